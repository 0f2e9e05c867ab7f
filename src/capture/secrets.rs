//! SecretRefs and `${VAR}` templates on the paths OpenClaw resolves before its audit (gateway auth and remote
//! token/password, channel secrets): env and file sources resolved read-only, recorded redacted. Exec sources
//! are never run: only the stat checks OpenClaw makes on the command path before running it are repeated.
//!
//! Every ref on a target path is resolved, whether or not its surface is active; the audit decides which of them
//! OpenClaw would have used (`audit::checks::secrets::resolve_refs`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::load::Loaded;
use crate::config::secret::js_trim;
use crate::config::secret_ref::{self, SecretRef};
use crate::snapshot::{FileKind, SecretRefFact};

use super::discover::user_path;
use super::{hostfs, Capturer};

/// OpenClaw's default `maxBytes` for a file provider.
const FILE_MAX_BYTES: u64 = 1024 * 1024;

/// What one ref resolved to.
enum Outcome {
    Value(String),
    Failed(String),
    /// Exec source whose command passed the path checks: not run.
    Skipped(String),
}

/// A file provider's payload, read once per provider.
#[derive(Clone)]
enum Payload {
    Text(String),
    Json(Value),
    Error(String),
}

struct Resolver<'c, 'a> {
    c: &'c Capturer<'a>,
    cfg: &'c Value,
    env: &'c std::collections::BTreeMap<String, String>,
    files: HashMap<String, Payload>,
}

pub(super) fn capture(c: &mut Capturer, loaded: &Loaded) -> Vec<SecretRefFact> {
    let refs = secret_ref::refs(&loaded.resolved);
    if refs.is_empty() {
        return Vec::new();
    }
    let mut outcomes = Vec::new();
    {
        let mut r = Resolver {
            c,
            cfg: &loaded.resolved,
            env: &loaded.env,
            files: HashMap::new(),
        };
        for (target, sref) in &refs {
            let outcome = match r.resolve(sref) {
                Ok(v) => match v {
                    Value::String(s) if !js_trim(&s).is_empty() => Outcome::Value(s),
                    _ => Outcome::Failed(format!(
                        "{} resolved to a non-string or empty value.",
                        target.path
                    )),
                },
                Err(Fail::Error(m)) => Outcome::Failed(m),
                Err(Fail::Skipped(m)) => Outcome::Skipped(m),
            };
            outcomes.push(outcome);
        }
    }
    refs.iter()
        .zip(outcomes)
        .map(|((target, sref), outcome)| {
            let mut fact = SecretRefFact {
                path: target.path.clone(),
                source: sref.source.clone(),
                provider: sref.provider.clone(),
                // Pseudonymized as the config's `id` is (an e-mail in `op://vault/alice@corp.example/x`).
                id: c
                    .redactor
                    .ref_id(&sref.id)
                    .unwrap_or_else(|| sref.id.clone()),
                inline: target.value.is_string(),
                ..SecretRefFact::default()
            };
            match outcome {
                Outcome::Value(v) => {
                    fact.status = "resolved".into();
                    fact.value = Some(c.redactor.secret_value(&v));
                }
                Outcome::Failed(m) => {
                    fact.status = "unresolved".into();
                    fact.message = Some(m);
                }
                Outcome::Skipped(m) => {
                    fact.status = "skipped".into();
                    fact.message = Some(m);
                }
            }
            fact
        })
        .collect()
}

enum Fail {
    Error(String),
    Skipped(String),
}

fn err<T>(m: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Error(m.into()))
}

/// `String(err)` of a failed `lstat` as Node words it (`ENOENT: no such file or directory, lstat '<p>'`).
fn node_errno(e: &std::io::Error, syscall: &str, path: &str) -> String {
    let (code, text) = match e.raw_os_error() {
        Some(libc::ENOENT) => ("ENOENT", "no such file or directory"),
        Some(libc::EACCES) => ("EACCES", "permission denied"),
        Some(libc::ENOTDIR) => ("ENOTDIR", "not a directory"),
        Some(libc::ELOOP) => ("ELOOP", "too many symbolic links encountered"),
        Some(libc::ENAMETOOLONG) => ("ENAMETOOLONG", "name too long"),
        _ => ("EIO", "i/o error"),
    };
    format!("{code}: {text}, {syscall} '{path}'")
}

impl Resolver<'_, '_> {
    fn home(&self) -> &Path {
        &self.c.loc.home
    }

    fn shown(&self, p: &Path) -> String {
        // (A provider's path is written in the config: its names are recorded as written.)
        self.c.rec_known(p)
    }

    fn user_path(&self, input: &str) -> PathBuf {
        user_path(input, self.home(), &self.c.spec.cwd)
    }

    /// `resolveSecretRefValue` for one ref (read-only; exec never runs).
    fn resolve(&mut self, r: &SecretRef) -> Result<Value, Fail> {
        let providers = self.cfg.pointer("/secrets/providers");
        let pc = providers.and_then(|p| p.get(&r.provider));
        let pc = match pc {
            None | Some(Value::Null) => {
                let default_env =
                    secret_ref::default_provider(self.cfg.pointer("/secrets/defaults"), "env");
                if r.source == "env" && r.provider == default_env {
                    Value::Object(Default::default())
                } else {
                    return err(format!(
                        "Secret provider \"{}\" is not configured (ref: {}).",
                        r.provider,
                        r.key()
                    ));
                }
            }
            Some(pc) => {
                let src = match pc.get("source") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => "undefined".into(),
                };
                if src != r.source {
                    return err(format!(
                        "Secret provider \"{}\" has source \"{src}\" but ref requests \"{}\".",
                        r.provider, r.source
                    ));
                }
                pc.clone()
            }
        };
        match r.source.as_str() {
            "env" => self.env_ref(r, &pc),
            "file" => self.file_ref(r, &pc),
            _ => self.exec_ref(r, &pc),
        }
    }

    fn env_ref(&self, r: &SecretRef, pc: &Value) -> Result<Value, Fail> {
        if let Some(list) = pc.get("allowlist").and_then(Value::as_array) {
            if !list.iter().any(|v| v.as_str() == Some(r.id.as_str())) {
                return err(format!(
                    "Environment variable \"{}\" is not allowlisted in secrets.providers.{}.allowlist.",
                    r.id, r.provider
                ));
            }
        }
        match self.env.get(&r.id) {
            Some(v) if !js_trim(v).is_empty() => Ok(Value::String(v.clone())),
            _ => err(format!(
                "Environment variable \"{}\" is missing or empty.",
                r.id
            )),
        }
    }

    fn file_ref(&mut self, r: &SecretRef, pc: &Value) -> Result<Value, Fail> {
        let payload = match self.files.get(&r.provider) {
            Some(p) => p.clone(),
            None => {
                let p = self.read_file_payload(&r.provider, pc);
                self.files.insert(r.provider.clone(), p.clone());
                p
            }
        };
        let single = pc.get("mode").and_then(Value::as_str) == Some("singleValue");
        match payload {
            Payload::Error(m) => err(m),
            Payload::Text(t) if single => {
                if r.id != "value" {
                    return err(format!(
                        "singleValue file provider \"{}\" expects ref id \"value\".",
                        r.provider
                    ));
                }
                Ok(Value::String(t))
            }
            Payload::Text(_) => err("file payload was read as text"),
            Payload::Json(root) => read_json_pointer(&root, &r.id).map_err(Fail::Error),
        }
    }

    /// `readSecureFile` of a file provider: absolute path, no symlink, a regular file within `maxBytes`, not
    /// readable or writable by group/others unless `allowInsecurePath`, owned by the capturing user.
    fn read_file_payload(&self, name: &str, pc: &Value) -> Payload {
        let label = format!("secrets.providers.{name}.path");
        let raw = pc.get("path").and_then(Value::as_str).unwrap_or("");
        if js_trim(raw).is_empty() {
            return Payload::Error(format!("{label} must be an absolute path."));
        }
        let path = self.user_path(raw);
        let shown = self.shown(&path);
        let st = match hostfs::lstat(&path) {
            Ok(st) => st,
            Err(e) => {
                let a = format!("{label} is not readable: {shown}");
                let b = node_errno(&e, "lstat", &shown);
                return Payload::Error(format!("{a} | {b} | {a} | {b}"));
            }
        };
        match st.kind {
            FileKind::Dir => return Payload::Error(format!("{label} must be a file: {shown}")),
            FileKind::Symlink => {
                return Payload::Error(format!("{label} must not be a symlink: {shown}"))
            }
            FileKind::File => {}
            _ => return Payload::Error(format!("{label} must be a file: {shown}")),
        }
        let max = match pc.get("maxBytes").and_then(Value::as_f64) {
            Some(n) if n.is_finite() => (n.floor() as i64).max(1) as u64,
            _ => FILE_MAX_BYTES,
        };
        if st.size > max {
            return Payload::Error(format!("{label} exceeded maxBytes ({max})."));
        }
        if pc.get("allowInsecurePath") != Some(&Value::Bool(true)) {
            if st.mode & 0o066 != 0 {
                return Payload::Error(format!("{label} permissions are too open: {shown}"));
            }
            if st.uid != self.c.spec.uid {
                return Payload::Error(format!(
                    "{label} must be owned by the current user (uid={}): {shown}",
                    self.c.spec.uid
                ));
            }
        }
        let bytes = match hostfs::read_regular(&path, max, false) {
            Ok(b) => b,
            Err(hostfs::ReadError::Io(e)) => return Payload::Error(node_errno(&e, "open", &shown)),
            Err(hostfs::ReadError::NotRegular(_)) => {
                return Payload::Error(format!("{label} must be a file: {shown}"))
            }
            Err(hostfs::ReadError::TooLarge { .. }) => {
                return Payload::Error(format!("{label} exceeded maxBytes ({max})."))
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if pc.get("mode").and_then(Value::as_str) == Some("singleValue") {
            let t = text
                .strip_suffix("\r\n")
                .or_else(|| text.strip_suffix('\n'))
                .unwrap_or(text);
            return Payload::Text(t.to_string());
        }
        match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Object(_)) => Payload::Json(v),
            Ok(_) => Payload::Error(format!(
                "File provider \"{name}\" payload is not a JSON object."
            )),
            Err(e) => Payload::Error(format!(
                "File provider \"{name}\" payload is not valid JSON ({e})."
            )),
        }
    }

    /// The checks OpenClaw makes on an exec provider's command before running it (`assertSecurePath`). When they
    /// pass, the command is not run: the ref stays unresolved.
    fn exec_ref(&self, r: &SecretRef, pc: &Value) -> Result<Value, Fail> {
        let label = format!("secrets.providers.{}.command", r.provider);
        let raw = pc.get("command").and_then(Value::as_str).unwrap_or("");
        if js_trim(raw).is_empty() {
            return err(format!("{label} must be an absolute path."));
        }
        let mut path = self.user_path(raw);
        let shown = self.shown(&path);
        let not_readable = || format!("{label} is not readable: {shown}");
        let mut st = match hostfs::lstat(&path) {
            Ok(st) => st,
            Err(_) => return err(not_readable()),
        };
        if st.kind == FileKind::Dir {
            return err(format!("{label} must be a file: {shown}"));
        }
        if st.kind == FileKind::Symlink {
            if pc.get("allowSymlinkCommand") != Some(&Value::Bool(true)) {
                return err(format!("{label} must not be a symlink: {shown}"));
            }
            path = match hostfs::realpath(&path) {
                Ok(p) => p,
                Err(_) => return err(format!("{label} symlink target is not readable: {shown}")),
            };
            st = match hostfs::lstat(&path) {
                Ok(st) => st,
                Err(_) => return err(format!("{label} is not readable: {}", self.shown(&path))),
            };
            if st.kind == FileKind::Dir {
                return err(format!("{label} must be a file: {}", self.shown(&path)));
            }
        }
        let effective = self.shown(&path);
        if let Some(dirs) = pc.get("trustedDirs").and_then(Value::as_array) {
            let dirs: Vec<String> = dirs
                .iter()
                .filter_map(Value::as_str)
                .map(|d| self.user_path(d).to_string_lossy().into_owned())
                .collect();
            let p = path.to_string_lossy();
            if !dirs.is_empty() && !dirs.iter().any(|d| crate::config::load::is_inside(d, &p)) {
                return err(format!("{label} is outside trustedDirs: {effective}"));
            }
        }
        if pc.get("allowInsecurePath") != Some(&Value::Bool(true)) {
            if st.mode & 0o022 != 0 {
                return err(format!("{label} permissions are too open: {effective}"));
            }
            if st.uid != self.c.spec.uid {
                return err(format!(
                    "{label} must be owned by the current user (uid={}): {effective}",
                    self.c.spec.uid
                ));
            }
        }
        Err(Fail::Skipped(format!(
            "exec secret provider \"{}\" was not run: clawprint never executes {effective}",
            r.provider
        )))
    }
}

/// `readJsonPointer(root, pointer, {onMissing: "throw"})`.
fn read_json_pointer(root: &Value, pointer: &str) -> Result<Value, String> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err("File-backed secret ids must be absolute JSON pointers (for example: \"/providers/openai/apiKey\").".into());
    };
    let mut cur = root;
    for raw in rest.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        cur = match cur {
            Value::Array(items) => {
                let idx = js_parse_int(&token);
                match idx {
                    Some(i) if i >= 0 && (i as usize) < items.len() => &items[i as usize],
                    _ => {
                        return Err(format!(
                            "JSON pointer segment \"{token}\" is out of bounds."
                        ))
                    }
                }
            }
            Value::Object(m) => match m.get(&token) {
                Some(v) => v,
                None => return Err(format!("JSON pointer segment \"{token}\" does not exist.")),
            },
            _ => return Err(format!("JSON pointer segment \"{token}\" does not exist.")),
        };
    }
    Ok(cur.clone())
}

/// `Number.parseInt(s, 10)`: leading whitespace, optional sign, leading digits.
fn js_parse_int(s: &str) -> Option<i64> {
    let t = js_trim(s);
    let (neg, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let n: String = digits.chars().take_while(char::is_ascii_digit).collect();
    let v: i64 = n.parse().ok()?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_pointer_like_openclaw() {
        let root = json!({"a": {"b/c": "x", "list": ["p", "q"]}});
        assert_eq!(read_json_pointer(&root, "/a/b~1c"), Ok(json!("x")));
        assert_eq!(read_json_pointer(&root, "/a/list/1"), Ok(json!("q")));
        assert_eq!(
            read_json_pointer(&root, "/a/list/2"),
            Err("JSON pointer segment \"2\" is out of bounds.".into())
        );
        assert_eq!(
            read_json_pointer(&root, "/a/zz"),
            Err("JSON pointer segment \"zz\" does not exist.".into())
        );
        assert!(read_json_pointer(&root, "a")
            .unwrap_err()
            .contains("absolute"));
    }
}
