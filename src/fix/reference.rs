//! The reference's `openclaw security audit --fix --json` shape (catalogue §1.2, §9):
//! `{fix: {ok, stateDir, configPath, configWritten, changes, actions, errors}, report, secretDiagnostics}`, with
//! one `{kind: "chmod", path, mode, ok, skipped?|error?}` per permission target.

use serde_json::{json, Map, Value};

use super::apply::OpStatus;
use super::changeset::ChangeSet;
use crate::audit::Report;
use crate::snapshot::Snapshot;

/// The `fix` object. `results` are the ops' outcomes after an apply (`None`: as planned).
pub fn fix_value(
    cs: &ChangeSet,
    results: Option<&[OpStatus]>,
    config_written: bool,
    extra_errors: &[String],
) -> Value {
    let mut errors: Vec<String> = Vec::new();
    let covered: Vec<&str> = cs
        .ops
        .iter()
        .filter_map(|op| match op {
            super::Op::Set(s) => Some(s.change.as_str()),
            super::Op::Seed(s) => Some(s.change.as_str()),
            super::Op::Chmod(_) => None,
        })
        .collect();
    for c in &cs.changes {
        if !covered.contains(&c.as_str()) {
            errors.push(format!("{c}: not applied (see the plan's notes)"));
        }
    }
    if let Some(results) = results {
        for (i, r) in results.iter().enumerate() {
            if let OpStatus::Failed(msg) = r {
                errors.push(format!("op {}: {msg}", i + 1));
            }
        }
    }
    errors.extend(extra_errors.iter().cloned());
    let actions: Vec<Value> = cs
        .actions
        .iter()
        .map(|a| {
            let mut m = Map::new();
            m.insert("kind".into(), json!("chmod"));
            m.insert("path".into(), json!(a.path));
            m.insert("mode".into(), json!(a.mode));
            let status = match (a.op, results) {
                (None, _) if a.outcome == "error" => Err((
                    "error",
                    format!("Error: ENOTDIR: not a directory, lstat '{}'", a.path),
                )),
                (None, _) => Err(("skipped", a.outcome.clone())),
                (Some(_), None) => Ok(()),
                (Some(i), Some(r)) => match &r[i] {
                    OpStatus::Applied => Ok(()),
                    OpStatus::Already => Err(("skipped", "already".to_string())),
                    OpStatus::Skipped(why) => Err(("error", format!("skipped: {why}"))),
                    OpStatus::Failed(msg) => Err(("error", msg.clone())),
                    OpStatus::NotRun => Err(("error", "not run: an earlier step failed".into())),
                },
            };
            match status {
                Ok(()) => {
                    m.insert("ok".into(), json!(true));
                }
                Err((key, value)) => {
                    m.insert("ok".into(), json!(false));
                    m.insert(key.into(), json!(value));
                }
            }
            Value::Object(m)
        })
        .collect();
    json!({
        "ok": errors.is_empty(),
        "stateDir": cs.host.state_dir,
        "configPath": cs.host.config_path,
        "configWritten": config_written,
        "changes": cs.changes,
        "actions": actions,
        "errors": errors,
    })
}

/// The whole `audit --fix --json` document.
pub fn audit_fix_value(fix: Value, report: &Report, ts_ms: u64) -> Value {
    let mut r = crate::report::json::value(report, ts_ms);
    let diags = r
        .as_object_mut()
        .and_then(|m| m.remove("secretDiagnostics"))
        .unwrap_or_else(|| json!([]));
    json!({ "fix": fix, "report": r, "secretDiagnostics": diags })
}

/// The host the reference's `--fix` report describes: the config as it was before the fix (loaded at start-up)
/// with the file modes after it (catalogue §9.3).
pub fn report_snapshot(pre: &Snapshot, post: &Snapshot) -> Snapshot {
    let mut s = post.clone();
    s.manifest.config = pre.manifest.config.clone();
    s.manifest.secret_refs = pre.manifest.secret_refs.clone();
    s.manifest.host.env = pre.manifest.host.env.clone();
    s.manifest.host.dotenv = pre.manifest.host.dotenv.clone();
    for (k, v) in &pre.blobs {
        s.blobs.entry(k.clone()).or_insert_with(|| v.clone());
    }
    s
}
