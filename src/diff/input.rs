//! What a diff compares: a snapshot (audited here) or a saved report (clawprint's or the reference's
//! `security audit --json`, plain or `--fix` shape).

use serde_json::Value;

use super::{Item, Side};
use crate::audit::{self, Severity};
use crate::snapshot::{archive, Snapshot, SnapshotError};

pub enum Input {
    Snapshot {
        label: String,
        snapshot: Box<Snapshot>,
        items: Vec<Item>,
    },
    Report {
        label: String,
        items: Vec<Item>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error("not a snapshot and not a JSON report: {0}")]
    NotJson(serde_json::Error),
    #[error("JSON without a `findings` array (expected `security audit --json` output)")]
    NoFindings,
    #[error("finding {index}: {problem}")]
    BadFinding { index: usize, problem: String },
}

/// zstd frame magic: snapshots are tar + zstd.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

impl Input {
    /// Read an input from its bytes, deciding by content whether it is a snapshot or a report.
    pub fn from_bytes(bytes: &[u8], label: &str) -> Result<Input, InputError> {
        Input::from_bytes_limited(bytes, label, &archive::Limits::default())
    }

    /// [`Input::from_bytes`] with the given snapshot limits.
    pub fn from_bytes_limited(
        bytes: &[u8],
        label: &str,
        limits: &archive::Limits,
    ) -> Result<Input, InputError> {
        if bytes.starts_with(&ZSTD_MAGIC) {
            let snap = Snapshot::from_bytes(bytes, limits)?;
            return Ok(Input::from_snapshot(snap, label));
        }
        let v: Value = serde_json::from_slice(bytes).map_err(InputError::NotJson)?;
        Ok(Input::Report {
            label: label.to_string(),
            items: report_items(&v)?,
        })
    }

    pub fn from_snapshot(snap: Snapshot, label: &str) -> Input {
        let report = audit::audit(&snap);
        let (fps, _) = report.fingerprints();
        let items = report
            .findings
            .into_iter()
            .zip(fps)
            .map(|(f, fp)| Item {
                check_id: f.check_id,
                severity: f.severity,
                title: f.title,
                detail: f.detail,
                remediation: f.remediation,
                fingerprint: Some(fp),
                subject: Some(f.subject),
            })
            .collect();
        Input::Snapshot {
            label: label.to_string(),
            snapshot: Box::new(snap),
            items,
        }
    }

    pub fn items(&self) -> Vec<Item> {
        match self {
            Input::Snapshot { items, .. } | Input::Report { items, .. } => items.clone(),
        }
    }

    pub fn snapshot(&self) -> Option<&Snapshot> {
        match self {
            Input::Snapshot { snapshot, .. } => Some(snapshot),
            Input::Report { .. } => None,
        }
    }

    pub fn side(&self) -> Side {
        match self {
            Input::Snapshot {
                label, snapshot, ..
            } => Side {
                kind: "snapshot",
                label: label.clone(),
                snapshot_id: Some(snapshot.id()),
            },
            Input::Report { label, .. } => Side {
                kind: "report",
                label: label.clone(),
                snapshot_id: None,
            },
        }
    }
}

/// Findings of a saved report: `{findings: [...]}`, or the `--fix` shape `{fix, report: {findings}}`.
fn report_items(v: &Value) -> Result<Vec<Item>, InputError> {
    let findings = v
        .get("findings")
        .or_else(|| v.pointer("/report/findings"))
        .and_then(Value::as_array)
        .ok_or(InputError::NoFindings)?;
    findings
        .iter()
        .enumerate()
        .map(|(index, f)| {
            let bad = |problem: &str| InputError::BadFinding {
                index,
                problem: problem.to_string(),
            };
            let text = |k: &str| f.get(k).and_then(Value::as_str).map(String::from);
            let severity = match f.get("severity").and_then(Value::as_str) {
                Some("critical") => Severity::Critical,
                Some("warn") => Severity::Warn,
                Some("info") => Severity::Info,
                _ => return Err(bad("severity must be critical, warn or info")),
            };
            Ok(Item {
                check_id: text("checkId").ok_or_else(|| bad("no checkId"))?,
                severity,
                title: text("title").unwrap_or_default(),
                detail: text("detail").unwrap_or_default(),
                remediation: text("remediation"),
                fingerprint: text("fingerprint"),
                subject: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_fix_shapes_and_rejects_others() {
        let plain = br#"{"ts":0,"summary":{},"findings":[{"checkId":"a","severity":"warn","title":"T","detail":"D"}],"secretDiagnostics":[]}"#;
        let fix = br#"{"fix":null,"report":{"findings":[{"checkId":"a","severity":"info","title":"T","detail":"D","fingerprint":"ff"}]}}"#;
        let Input::Report { items, .. } = Input::from_bytes(plain, "a").unwrap() else {
            panic!()
        };
        assert_eq!(items[0].fingerprint, None);
        let Input::Report { items, .. } = Input::from_bytes(fix, "b").unwrap() else {
            panic!()
        };
        assert_eq!(items[0].fingerprint.as_deref(), Some("ff"));
        assert!(matches!(
            Input::from_bytes(b"{}", "c"),
            Err(InputError::NoFindings)
        ));
        assert!(matches!(
            Input::from_bytes(br#"{"findings":[{"checkId":"a","severity":"bad"}]}"#, "d"),
            Err(InputError::BadFinding { index: 0, .. })
        ));
        assert!(matches!(
            Input::from_bytes(b"\x28\xb5\x2f\xfd garbage", "e"),
            Err(InputError::Snapshot(_))
        ));
    }
}
