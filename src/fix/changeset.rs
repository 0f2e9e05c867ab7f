//! The change set: what `fix plan` proposes and `fix apply` executes, as canonical JSON with its own id.
//!
//! The id is the BLAKE3 hash of the canonical JSON (keys sorted, compact) of every field except `id` itself, so
//! the set that was reviewed is provably the set that is applied. The format is documented in
//! `docs/change-set-format.md`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::snapshot::{canonical, FileKind};

/// Format tag of change sets written by this version; readers refuse any other.
pub const FORMAT: &str = "clawprint.change-set/1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeSet {
    pub format: String,
    /// Id of the snapshot the plan was made from.
    pub base: String,
    /// Where the host keeps things; `apply` refuses a host whose paths differ.
    pub host: HostPaths,
    /// What apply does, in order.
    pub ops: Vec<Op>,
    /// The reference's permission targets in its order, with the planned outcome (`--fix --json` `actions`).
    pub actions: Vec<PlannedAction>,
    /// The reference's change strings (`--fix --json` `changes`), in its order.
    pub changes: Vec<String>,
    /// What the plan left out and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// How the base snapshot recorded the host when it was not a plain capture (identities pseudonymized, the
    /// home dir under an alias). Apply re-captures the host the same way, so every precondition compares like
    /// with like, and maps the alias back to the real home dir for each change it makes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Recorded>,
    /// BLAKE3 of the canonical JSON of all other fields.
    #[serde(default)]
    pub id: String,
}

/// How a snapshot that was not a plain capture recorded the host (see [`ChangeSet::recorded`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recorded {
    /// `pseudonymized` or `kept` (the snapshot manifest's `redaction.identities.mode`).
    pub identities: String,
    /// The path the home dir was recorded under; every op path under it is under the real home dir on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_alias: Option<String>,
}

impl Recorded {
    pub fn pseudonymized(&self) -> bool {
        self.identities == "pseudonymized"
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HostPaths {
    pub home: String,
    pub state_dir: String,
    pub config_path: String,
    pub credentials_dir: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Op {
    /// Set a path's permission bits (never through a symlink).
    Chmod(ChmodOp),
    /// Replace one config value in the file that owns the key.
    Set(SetOp),
    /// Seed a WhatsApp `groupAllowFrom` from the pairing allowlist, read on the host at apply time.
    Seed(SeedOp),
}

impl Op {
    pub fn resolves(&self) -> &[Link] {
        match self {
            Op::Chmod(o) => &o.resolves,
            Op::Set(o) => &o.resolves,
            Op::Seed(o) => &o.resolves,
        }
    }

    pub fn why(&self) -> &str {
        match self {
            Op::Chmod(o) => &o.why,
            Op::Set(o) => &o.why,
            Op::Seed(o) => &o.why,
        }
    }

    /// The host path the op changes.
    pub fn path(&self) -> &str {
        match self {
            Op::Chmod(o) => &o.path,
            Op::Set(o) => &o.file,
            Op::Seed(o) => &o.file,
        }
    }

    /// One line saying what the op does.
    pub fn summary(&self) -> String {
        match self {
            Op::Chmod(o) => format!("chmod {:o} {}", o.mode, o.path),
            Op::Set(o) => format!("set {} = {} in {}", o.key, o.value, o.file),
            Op::Seed(o) => format!(
                "seed {} from the {} pairing allowlist in {}",
                o.key, o.source.channel, o.file
            ),
        }
    }
}

/// Why an op is in the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// One of the reference's permission targets or config edits.
    Reference,
    /// The reference tightens the config (600) and its dir when it is the state dir (700) as part of writing
    /// the config; these ops do that before the edit, so targets 1–2 then report `already` as in the reference.
    ConfigWrite,
    /// Beyond 2026.5.20, as the spec asks (see docs/divergences.md).
    Spec,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Require {
    Dir,
    File,
}

impl Require {
    pub fn kind(self) -> FileKind {
        match self {
            Require::Dir => FileKind::Dir,
            Require::File => FileKind::File,
        }
    }
}

/// A path's type and permission bits (`st_mode & 0o7777`), as `lstat` reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileState {
    pub kind: FileKind,
    pub mode: u32,
}

/// A finding an op resolves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Link {
    pub check_id: String,
    pub fingerprint: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChmodOp {
    pub path: String,
    /// Target permission bits (the reference's JSON `mode`: 448 = 0o700, 384 = 0o600).
    pub mode: u32,
    pub require: Require,
    /// Precondition: the path as the snapshot saw it.
    pub expect: FileState,
    pub origin: Origin,
    pub why: String,
    pub resolves: Vec<Link>,
}

/// Precondition of a config edit: the owning file's type and mode, the hash of its redacted form (the snapshot's
/// blob id for it, re-derived from the live file by re-capturing at apply time), and the literal value at the
/// key (`null` when the key must be absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditExpect {
    pub file: FileState,
    pub redacted: String,
    pub value: Option<Value>,
}

/// The lines an edit changes, from the snapshot's redacted text (for review; secrets never appear).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Preview {
    pub line: usize,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetOp {
    /// The config key as the reference names it (`channels.telegram.accounts.b.groupPolicy`).
    pub key: String,
    /// The same key as a path of object keys from the config root.
    pub key_path: Vec<String>,
    /// The file that owns the key (main config or an include file).
    pub file: String,
    /// The key path inside that file.
    pub local: Vec<String>,
    pub expect: EditExpect,
    pub value: Value,
    /// The reference's change string.
    pub change: String,
    pub origin: Origin,
    pub preview: Preview,
    pub why: String,
    pub resolves: Vec<Link>,
}

/// Where seeded entries come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedSource {
    pub channel: String,
    pub account: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedOp {
    /// `channels.whatsapp.groupAllowFrom` or `channels.whatsapp.accounts.<id>.groupAllowFrom`.
    pub key: String,
    pub key_path: Vec<String>,
    pub file: String,
    /// Path of the `groupAllowFrom` key inside the file.
    pub local: Vec<String>,
    /// When the key is absent: insert it before this sibling (the object's `groupPolicy`).
    pub before: Option<String>,
    pub expect: EditExpect,
    pub source: SeedSource,
    pub change: String,
    pub origin: Origin,
    pub why: String,
    pub resolves: Vec<Link>,
}

/// Planned outcome of one permission target: `ok` (chmod planned, op `op`), the reference's skip reason, or
/// `error` (a parent is not a directory: `lstat` fails with ENOTDIR, which the reference reports as an error).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlannedAction {
    pub path: String,
    pub mode: u32,
    pub require: Require,
    /// `ok`, `already`, `missing`, `symlink`, `not-a-directory`, `not-a-file` or `error`.
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<usize>,
    pub origin: Origin,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeSetError {
    #[error("not a change set: {0}")]
    Json(serde_json::Error),
    #[error("change set format {found:?}; this clawprint reads {FORMAT:?}")]
    Format { found: String },
    #[error("change set id {stated} does not match its content (BLAKE3 {computed}): it was altered after planning")]
    Id { stated: String, computed: String },
    #[error("change set action {op} refers to an op that does not exist")]
    Dangling { op: usize },
    #[error("change set op {op} is not a remediation clawprint makes: {why}")]
    Invalid { op: usize, why: String },
}

impl ChangeSet {
    /// BLAKE3 of the canonical JSON of everything but `id`.
    pub fn compute_id(&self) -> String {
        let mut v = serde_json::to_value(self).expect("change sets serialize");
        if let Value::Object(m) = &mut v {
            m.remove("id");
        }
        blake3::hash(&canonical::to_vec(&v)).to_hex().to_string()
    }

    pub fn seal(mut self) -> ChangeSet {
        self.id = self.compute_id();
        self
    }

    /// Canonical bytes of the whole set (with its id), plus a newline: what `fix plan -o` writes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = canonical::to_vec(self);
        out.push(b'\n');
        out
    }

    /// Parse and check a change set: format, id against content, internal references.
    pub fn from_bytes(bytes: &[u8]) -> Result<ChangeSet, ChangeSetError> {
        let raw: Value = serde_json::from_slice(bytes).map_err(ChangeSetError::Json)?;
        if let Some(f) = raw.get("format").and_then(Value::as_str) {
            if f != FORMAT {
                return Err(ChangeSetError::Format {
                    found: f.to_string(),
                });
            }
        }
        let cs: ChangeSet = serde_json::from_value(raw).map_err(ChangeSetError::Json)?;
        if cs.format != FORMAT {
            return Err(ChangeSetError::Format { found: cs.format });
        }
        let computed = cs.compute_id();
        if computed != cs.id {
            return Err(ChangeSetError::Id {
                stated: cs.id,
                computed,
            });
        }
        for (i, a) in cs.actions.iter().enumerate() {
            if a.op.is_some_and(|o| o >= cs.ops.len()) {
                return Err(ChangeSetError::Dangling { op: i });
            }
        }
        cs.validate()?;
        Ok(cs)
    }

    /// Every op must be one of the remediations the planner makes: chmod 700 of a directory or 600 of a file,
    /// `logging.redactSensitive` → `"tools"`, a channel or account `groupPolicy` → `"allowlist"`, or seeding a
    /// WhatsApp `groupAllowFrom`; on absolute paths. A change set is a file someone may hand you: its id proves
    /// it was not altered after it was made, not that it is harmless, so apply never does anything else.
    pub fn validate(&self) -> Result<(), ChangeSetError> {
        for (i, op) in self.ops.iter().enumerate() {
            op_shape(op).map_err(|why| ChangeSetError::Invalid { op: i + 1, why })?;
        }
        Ok(())
    }

    /// Ops that write a config file, grouped by file in first-op order: `(file, op indices)`.
    pub fn writes(&self) -> Vec<(String, Vec<usize>)> {
        let mut out: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, op) in self.ops.iter().enumerate() {
            if matches!(op, Op::Chmod(_)) {
                continue;
            }
            match out.iter_mut().find(|(f, _)| f == op.path()) {
                Some((_, v)) => v.push(i),
                None => out.push((op.path().to_string(), vec![i])),
            }
        }
        out
    }
}

fn op_shape(op: &Op) -> Result<(), String> {
    let abs = |p: &str| {
        if p.starts_with('/') && !p.split('/').any(|c| c == "..") {
            Ok(())
        } else {
            Err(format!("{p:?} is not an absolute, normalized path"))
        }
    };
    let key_matches = |key: &str, key_path: &[String], local: &[String]| {
        if key != key_path.join(".") {
            return Err(format!("key {key:?} does not match its path"));
        }
        if local.last() != key_path.last() {
            return Err(format!("the key inside the file does not end like {key:?}"));
        }
        Ok(())
    };
    let k: Vec<&str>;
    match op {
        Op::Chmod(c) => {
            abs(&c.path)?;
            let want = match c.require {
                Require::Dir => 0o700,
                Require::File => 0o600,
            };
            if c.mode != want || c.expect.kind != c.require.kind() {
                return Err(format!(
                    "chmod {:o} of a {} ({})",
                    c.mode,
                    c.expect.kind.as_str(),
                    c.path
                ));
            }
        }
        Op::Set(o) => {
            abs(&o.file)?;
            key_matches(&o.key, &o.key_path, &o.local)?;
            k = o.key_path.iter().map(String::as_str).collect();
            let ok = match k.as_slice() {
                ["logging", "redactSensitive"] => o.value == "tools",
                ["channels", _, "groupPolicy"] | ["channels", _, "accounts", _, "groupPolicy"] => {
                    o.value == "allowlist"
                }
                _ => false,
            };
            if !ok {
                return Err(format!("set {} = {}", o.key, o.value));
            }
        }
        Op::Seed(o) => {
            abs(&o.file)?;
            key_matches(&o.key, &o.key_path, &o.local)?;
            k = o.key_path.iter().map(String::as_str).collect();
            let ok = matches!(
                k.as_slice(),
                ["channels", "whatsapp", "groupAllowFrom"]
                    | ["channels", "whatsapp", "accounts", _, "groupAllowFrom"]
            ) && o.source.channel == "whatsapp"
                && o.before.as_deref().is_none_or(|b| b == "groupPolicy");
            if !ok {
                return Err(format!("seed {} from {}", o.key, o.source.channel));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ChangeSet {
        ChangeSet {
            format: FORMAT.into(),
            base: "b".repeat(64),
            host: HostPaths::default(),
            ops: vec![Op::Chmod(ChmodOp {
                path: "/h/.openclaw".into(),
                mode: 0o700,
                require: Require::Dir,
                expect: FileState {
                    kind: FileKind::Dir,
                    mode: 0o755,
                },
                origin: Origin::Reference,
                why: "w".into(),
                resolves: vec![],
            })],
            actions: vec![PlannedAction {
                path: "/h/.openclaw".into(),
                mode: 448,
                require: Require::Dir,
                outcome: "ok".into(),
                op: Some(0),
                origin: Origin::Reference,
            }],
            changes: vec![],
            notes: vec![],
            recorded: None,
            id: String::new(),
        }
        .seal()
    }

    #[test]
    fn round_trip_and_tamper_detection() {
        let cs = sample();
        let bytes = cs.to_bytes();
        assert_eq!(ChangeSet::from_bytes(&bytes).unwrap(), cs);
        // Pretty-printing does not change the id (it is over canonical content).
        let pretty = serde_json::to_vec_pretty(&cs).unwrap();
        assert_eq!(ChangeSet::from_bytes(&pretty).unwrap().id, cs.id);
        let tampered = String::from_utf8(bytes)
            .unwrap()
            .replace("\"mode\":448", "\"mode\":511");
        assert!(matches!(
            ChangeSet::from_bytes(tampered.as_bytes()),
            Err(ChangeSetError::Id { .. })
        ));
        // A consistent id does not make any op acceptable: only the planner's remediations are.
        let mut loose = cs.clone();
        if let Op::Chmod(c) = &mut loose.ops[0] {
            c.mode = 0o777;
        }
        let loose = loose.seal();
        assert!(matches!(
            ChangeSet::from_bytes(&loose.to_bytes()),
            Err(ChangeSetError::Invalid { op: 1, .. })
        ));
        let other = String::from_utf8(cs.to_bytes())
            .unwrap()
            .replace(FORMAT, "clawprint.change-set/9");
        assert!(matches!(
            ChangeSet::from_bytes(other.as_bytes()),
            Err(ChangeSetError::Format { .. })
        ));
    }
}
