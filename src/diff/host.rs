//! What changed on the host between two snapshots: config keys (includes resolved, `${VAR}` as written), file
//! metadata (added, removed, type, mode, owner, link target) and environment names. Secrets stay markers and are
//! shown as `<secret #C len=N>`: a diff never needs a secret's value to say that it changed.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::audit::Ctx;
use crate::config::secret::Marker;
use crate::snapshot::{FileEntry, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostChange {
    /// `config`, `file` or `env`.
    pub area: &'static str,
    /// Dotted config key (`gateway.auth.token`, `agents.list[0].id`), file path, or variable name.
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct HostChanges {
    pub config: Vec<HostChange>,
    pub files: Vec<HostChange>,
    pub env: Vec<HostChange>,
}

impl HostChanges {
    pub fn all(&self) -> Vec<&HostChange> {
        self.config
            .iter()
            .chain(self.files.iter())
            .chain(self.env.iter())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.config.is_empty() && self.files.is_empty() && self.env.is_empty()
    }
}

pub fn changes(old: &Snapshot, new: &Snapshot) -> HostChanges {
    let (a, b) = (Ctx::new(old), Ctx::new(new));
    let mut config = Vec::new();
    compare_maps(
        &flatten(&a.source),
        &flatten(&b.source),
        "config",
        &mut config,
    );
    let files = compare_files(&old.manifest.files, &new.manifest.files);
    let mut env = Vec::new();
    let envs = |s: &Snapshot| -> BTreeMap<String, String> {
        let h = &s.manifest.host;
        let mut m: BTreeMap<String, String> = h.env.clone();
        for (k, v) in &h.dotenv {
            m.insert(format!(".env:{k}"), v.clone());
        }
        m.into_iter().map(|(k, v)| (k, show_value(&v))).collect()
    };
    compare_maps(&envs(old), &envs(new), "env", &mut env);
    HostChanges { config, files, env }
}

fn compare_maps(
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
    area: &'static str,
    out: &mut Vec<HostChange>,
) {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        let (x, y) = (a.get(k), b.get(k));
        if x != y {
            out.push(HostChange {
                area,
                key: k.clone(),
                before: x.cloned(),
                after: y.cloned(),
            });
        }
    }
}

/// A value for display: secret markers as `<secret #C len=N>` (C: its equality class within the snapshot).
fn show_value(s: &str) -> String {
    match Marker::parse(s) {
        Some(m) => format!("<secret #{} len={}>", m.class, m.len),
        None if s.contains("<<clawprint:secret") => "<text with a secret>".into(),
        None => s.to_string(),
    }
}

/// Dotted leaves of a config: objects by key, arrays by index; scalars as compact JSON.
pub fn flatten(v: &Value) -> BTreeMap<String, String> {
    fn walk(v: &Value, path: String, out: &mut BTreeMap<String, String>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, x) in m {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(x, p, out);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, format!("{path}[{i}]"), out);
                }
            }
            Value::String(s) => {
                let shown = match Marker::parse(s) {
                    Some(_) => show_value(s),
                    None => Value::String(s.clone()).to_string(),
                };
                out.insert(path, shown);
            }
            other => {
                out.insert(path, other.to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(v, String::new(), &mut out);
    out
}

fn describe(e: &FileEntry) -> String {
    let mut s = format!(
        "{} {:03o} {}:{}",
        e.kind.as_str(),
        e.mode & 0o7777,
        e.uid,
        e.gid
    );
    if let Some(t) = &e.target {
        s.push_str(&format!(" -> {t}"));
    }
    s
}

fn compare_files(a: &[FileEntry], b: &[FileEntry]) -> Vec<HostChange> {
    let index = |v: &[FileEntry]| -> BTreeMap<String, String> {
        v.iter().map(|e| (e.path.clone(), describe(e))).collect()
    };
    let mut out = Vec::new();
    compare_maps(&index(a), &index(b), "file", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flatten_uses_dots_and_indexes() {
        let m = flatten(&json!({"a": {"b": 1, "c": [true, {"d": "x"}]}, "e": {}}));
        assert_eq!(m["a.b"], "1");
        assert_eq!(m["a.c[0]"], "true");
        assert_eq!(m["a.c[1].d"], "\"x\"");
        assert_eq!(m["e"], "{}");
    }
}
