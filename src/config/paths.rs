//! Path rules shared by capture (what to record) and audit (what to look up), on plain strings so the audit can
//! apply them to a snapshot's recorded paths.

use std::collections::BTreeMap;

use serde_json::Value;

use super::load;
use super::secret::js_trim;

/// `logging.file` as the reference resolves it: trimmed, `~` / `~/x` expanded with the home dir (`~user` is
/// skipped), resolved against the working directory.
pub fn log_file(cfg: &Value, home: &str, cwd: &str) -> Option<String> {
    let raw = cfg.pointer("/logging/file")?.as_str()?;
    let p = js_trim(raw);
    if p.is_empty() {
        return None;
    }
    let expanded = if p == "~" {
        home.to_string()
    } else if let Some(rest) = p.strip_prefix("~/").or_else(|| p.strip_prefix("~\\")) {
        format!("{home}/{rest}")
    } else if p.starts_with('~') {
        return None;
    } else {
        p.to_string()
    };
    Some(load::resolve(cwd, &expanded))
}

/// OpenClaw's agent id normalization: trimmed, lower-case, runs of other characters → `-`, edges trimmed of `-`,
/// at most 64 characters, `main` when empty.
pub fn normalize_agent_id(id: &str) -> String {
    let lower = js_trim(id).to_lowercase();
    let mut out = String::new();
    let mut in_run = false;
    for c in lower.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(64).collect();
    if trimmed.is_empty() {
        "main".into()
    } else {
        trimmed
    }
}

fn agent_entries(cfg: &Value) -> Vec<&Value> {
    cfg.pointer("/agents/list")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter(|e| e.is_object()).collect())
        .unwrap_or_default()
}

/// The default agent id: the first `agents.list` entry with a truthy `default`, else the first entry, else `main`.
pub fn default_agent_id(cfg: &Value) -> String {
    let agents = agent_entries(cfg);
    let chosen = agents
        .iter()
        .find(|a| truthy(a.get("default")))
        .or(agents.first())
        .and_then(|a| a.get("id"))
        .and_then(Value::as_str)
        .map(js_trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("main");
    normalize_agent_id(chosen)
}

/// Agent ids whose files the fs checks and `--fix` visit: the default agent, then each `agents.list` id
/// (trimmed), de-duplicated *before* normalization, so ids differing only in case repeat a directory.
pub fn fs_agent_ids(cfg: &Value) -> Vec<String> {
    let mut raw: Vec<String> = vec![default_agent_id(cfg)];
    if let Some(list) = cfg.pointer("/agents/list").and_then(Value::as_array) {
        for a in list {
            if let Some(id) = a
                .get("id")
                .and_then(Value::as_str)
                .map(js_trim)
                .filter(|s| !s.is_empty())
            {
                raw.push(id.to_string());
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    raw.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .map(|id| normalize_agent_id(&id))
        .collect()
}

/// JavaScript truthiness of a JSON value.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

// --- sandbox host paths (sandbox bind mounts; shared by capture and audit) ---

/// A Windows namespace prefix (`\\?\`, `//?/`, with their `UNC` forms) removed, as OpenClaw does before judging a
/// host path.
fn strip_windows_namespace(input: &str) -> String {
    for prefix in ["\\\\?\\", "//?/"] {
        if let Some(rest) = input.strip_prefix(prefix) {
            let sep = &prefix[..1];
            return match rest.get(..4) {
                Some(unc) if unc.eq_ignore_ascii_case(&format!("UNC{sep}")) => {
                    format!("{sep}{sep}{}", &rest[4..])
                }
                _ => rest.to_string(),
            };
        }
    }
    input.to_string()
}

fn is_drive_path(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'/' || b[2] == b'\\')
}

/// A Windows drive-letter path (`C:\x`, `d:/x`).
pub fn is_windows_drive_path(raw: &str) -> bool {
    is_drive_path(&strip_windows_namespace(js_trim(raw)))
}

/// Is a sandbox host path absolute (POSIX `/…` or a Windows drive path)?
pub fn sandbox_path_is_absolute(raw: &str) -> bool {
    let t = strip_windows_namespace(js_trim(raw));
    t.starts_with('/') || is_drive_path(&t)
}

/// OpenClaw's sandbox host path normalization: trimmed (empty is `/`), backslashes to slashes, drive letter upper-
/// cased, `.`/`..`/`//` resolved, trailing slashes removed (a bare drive keeps its `/`).
pub fn normalize_sandbox_path(raw: &str) -> String {
    let t = strip_windows_namespace(js_trim(raw));
    if t.is_empty() {
        return "/".into();
    }
    let mut s = t.replace('\\', "/");
    if is_drive_path(&s) {
        s = format!("{}{}", s[..1].to_ascii_uppercase(), &s[1..]);
    }
    let n = load::normalize(&s);
    let n = n.trim_end_matches('/');
    let n = if n.is_empty() { "/" } else { n };
    let b = n.as_bytes();
    if b.len() == 2 && b[0].is_ascii_uppercase() && b[1] == b':' {
        return format!("{n}/");
    }
    n.to_string()
}

/// The key two sandbox host paths are compared by (drive paths case-insensitively).
pub fn sandbox_path_key(raw: &str) -> String {
    let n = normalize_sandbox_path(raw);
    if is_windows_drive_path(&n) {
        n.to_lowercase()
    } else {
        n
    }
}

/// The host side of a Docker bind spec `source:target[:options]` (the first `:` after an optional drive prefix),
/// trimmed; the whole spec when it has no `:`.
pub fn bind_source(bind: &str) -> String {
    let t = js_trim(bind);
    let start = if is_drive_path(t) { 2 } else { 0 };
    match t[start..].find(':') {
        Some(i) => js_trim(&t[..start + i]).to_string(),
        None => t.to_string(),
    }
}

/// Normalized home roots under which OpenClaw blocks credential dirs for sandbox binds, before realpath: the raw
/// `OPENCLAW_HOME`, `HOME` and `USERPROFILE`, then the effective home dir and the OS home dir (`os_home` stands for
/// Node's `os.homedir()`), both resolved against `cwd`. De-duplicated in order; `/` left out.
pub fn sandbox_home_roots(env: &BTreeMap<String, String>, os_home: &str, cwd: &str) -> Vec<String> {
    let set = |k: &str| {
        env.get(k)
            .map(|v| js_trim(v))
            .filter(|v| !v.is_empty() && *v != "undefined" && *v != "null")
    };
    let os_raw = set("HOME")
        .or_else(|| set("USERPROFILE"))
        .or_else(|| Some(js_trim(os_home)).filter(|h| !h.is_empty()));
    let effective = match set("OPENCLAW_HOME") {
        Some(h) if h == "~" || h.starts_with("~/") || h.starts_with("~\\") => {
            os_raw.map(|o| format!("{o}{}", &h[1..]))
        }
        Some(h) => Some(h.to_string()),
        None => os_raw.map(String::from),
    };
    let effective = load::resolve(cwd, effective.as_deref().unwrap_or(cwd));
    let os = load::resolve(cwd, os_raw.unwrap_or(cwd));
    let mut out: Vec<String> = Vec::new();
    let direct = ["OPENCLAW_HOME", "HOME", "USERPROFILE"]
        .iter()
        .filter_map(|k| env.get(*k).filter(|v| !v.is_empty()).cloned());
    for c in direct.chain([effective, os]) {
        let n = normalize_sandbox_path(&c);
        if n != "/" && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

// --- hook install records (hooks.installs_version_drift; shared by capture and audit) ---

/// The `package.json` of an installed hook package: in its record's `installPath` (resolved against `cwd`), else
/// in `<stateDir>/hooks/<id>`.
pub fn hook_package_json(
    install_path: Option<&str>,
    state_dir: &str,
    id: &str,
    cwd: &str,
) -> String {
    let dir = match install_path {
        Some(p) => load::resolve(cwd, p),
        None => load::normalize(&format!("{state_dir}/hooks/{id}")),
    };
    let dir = dir.trim_end_matches('/');
    format!("{dir}/package.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn agent_ids_repeat_like_the_reference() {
        assert_eq!(fs_agent_ids(&json!({})), ["main"]);
        assert_eq!(
            fs_agent_ids(&json!({"agents": {"list": [{"id": "Ops"}]}})),
            ["ops", "ops"]
        );
        assert_eq!(
            fs_agent_ids(&json!({"agents": {"list": [{"id": "a"}, {"id": "B", "default": true}]}})),
            ["b", "a", "b"]
        );
        assert_eq!(normalize_agent_id(" My Agent!! "), "my-agent");
    }

    #[test]
    fn log_file_resolution() {
        let cfg = json!({"logging": {"file": " ~/logs/x.log "}});
        assert_eq!(log_file(&cfg, "/h", "/w").as_deref(), Some("/h/logs/x.log"));
        let rel = json!({"logging": {"file": "logs/x.log"}});
        assert_eq!(log_file(&rel, "/h", "/w").as_deref(), Some("/w/logs/x.log"));
        assert_eq!(
            log_file(&json!({"logging": {"file": "~bob/x"}}), "/h", "/w"),
            None
        );
    }
}

#[cfg(test)]
mod sandbox_and_hook_path_tests {
    use super::*;

    #[test]
    fn sandbox_paths_normalize_like_openclaw() {
        assert_eq!(normalize_sandbox_path(" /etc//ssl/../ssl/ "), "/etc/ssl");
        assert_eq!(normalize_sandbox_path(""), "/");
        assert_eq!(normalize_sandbox_path("c:\\Users\\x\\"), "C:/Users/x");
        assert_eq!(normalize_sandbox_path("d:\\"), "D:/");
        assert_eq!(normalize_sandbox_path("\\\\?\\C:\\x"), "C:/x");
        assert_eq!(sandbox_path_key("C:/Users/X"), "c:/users/x");
        assert!(sandbox_path_is_absolute(" /x") && sandbox_path_is_absolute("C:/x"));
        assert!(!sandbox_path_is_absolute("x/y") && !sandbox_path_is_absolute("C:x"));
        assert_eq!(bind_source(" /a/b : /c:ro"), "/a/b");
        assert_eq!(bind_source("vol"), "vol");
        assert_eq!(bind_source("C:/data:/d"), "C:/data");
    }

    #[test]
    fn home_roots_in_reference_order() {
        let env: BTreeMap<String, String> = [
            ("HOME", "/home/u/"),
            ("OPENCLAW_HOME", "~/oc"),
            ("USERPROFILE", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            sandbox_home_roots(&env, "/ignored", "/cwd"),
            ["~/oc", "/home/u", "/home/u/oc"]
        );
        assert_eq!(
            sandbox_home_roots(&BTreeMap::new(), "/home/os", "/cwd"),
            ["/home/os"]
        );
    }

    #[test]
    fn hook_package_json_location() {
        assert_eq!(
            hook_package_json(None, "/s", "h", "/w"),
            "/s/hooks/h/package.json"
        );
        assert_eq!(
            hook_package_json(Some("rel/h/"), "/s", "h", "/w"),
            "/w/rel/h/package.json"
        );
        assert_eq!(
            hook_package_json(Some(""), "/s", "h", "/w"),
            "/w/package.json"
        );
    }
}
