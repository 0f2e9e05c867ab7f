//! Fleet audit: many snapshots on all cores, one JSON line per snapshot in input order, then an optional
//! per-checkId table. Memory stays flat: each worker holds one snapshot at a time and the output channel is
//! bounded, so only a few finished lines wait for their turn.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use serde_json::{json, Value};

use super::{CliError, ExitCode};
use crate::audit::{self, Severity};
use crate::snapshot::{archive, Snapshot};

/// The outcome of one snapshot.
pub struct Outcome {
    /// The JSON line (without the trailing newline).
    pub line: String,
    /// Distinct checkIds it reported (for the summary table).
    pub check_ids: Vec<String>,
    pub worst: Option<Severity>,
    pub error: bool,
}

/// Decode, verify and audit one snapshot's bytes into its JSON line. Never panics on bad input.
pub fn audit_one(path: &str, bytes: &[u8]) -> Outcome {
    audit_one_limited(path, bytes, &archive::Limits::default())
}

/// [`audit_one`] with the given snapshot limits.
pub fn audit_one_limited(path: &str, bytes: &[u8], limits: &archive::Limits) -> Outcome {
    let snap = match Snapshot::from_bytes(bytes, limits) {
        Ok(s) => s,
        Err(e) => return error_line(path, &e.to_string()),
    };
    let report = audit::audit(&snap);
    let (fps, _) = report.fingerprints();
    let findings: Vec<Value> = report
        .findings
        .iter()
        .zip(fps)
        .map(|(f, fp)| {
            let mut v = serde_json::to_value(f).expect("finding serializes");
            v["fingerprint"] = json!(fp);
            v
        })
        .collect();
    let mut ids: Vec<String> = report.findings.iter().map(|f| f.check_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let line = json!({
        "path": path,
        "id": snap.id(),
        "label": snap.meta.label,
        "summary": report.summary,
        "findings": findings,
    });
    Outcome {
        line: line.to_string(),
        check_ids: ids,
        worst: report.findings.iter().map(|f| f.severity).max(),
        error: false,
    }
}

fn error_line(path: &str, message: &str) -> Outcome {
    Outcome {
        line: json!({"path": path, "error": message}).to_string(),
        check_ids: Vec::new(),
        worst: None,
        error: true,
    }
}

/// Snapshot files named by the arguments: files as given, directories searched recursively for `*.clawsnap`
/// (sorted, symlinks not followed).
pub fn expand(args: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if ft.is_dir() {
                walk(&p, out);
            } else if ft.is_file() && p.extension().is_some_and(|x| x == "clawsnap") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for a in args {
        if a.is_dir() {
            walk(a, &mut out);
        } else {
            out.push(a.clone());
        }
    }
    out
}

fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    // Bounded even if the file grows after the check.
    super::read_bounded(path, limit).map_err(|e| e.message)
}

pub fn run(
    args: &[PathBuf],
    jsonl: bool,
    summary: bool,
    fail: Option<Severity>,
) -> Result<ExitCode, CliError> {
    let limits = super::limits()?;
    let paths = expand(args);
    if paths.is_empty() {
        return Err(CliError::new(ExitCode::Usage, "no snapshots found")
            .hint("give snapshot files or a directory holding *.clawsnap files"));
    }
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(paths.len());
    // On a terminal, after a moment: a quick fleet prints no bar at all.
    let progress = (paths.len() > 1)
        .then(|| {
            super::progress::Delayed::new(
                Some(paths.len() as u64),
                "{spinner} auditing {pos}/{len} snapshots [{bar:30}] {per_sec} eta {eta}",
            )
        })
        .flatten();
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<(usize, Outcome)>(workers * 4);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let (mut errors, mut failed, mut done) = (0usize, false, 0usize);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, paths, limits) = (&next, &paths, &limits);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(p) = paths.get(i) else { break };
                let shown = p.to_string_lossy();
                let outcome = match read_limited(p, limits.max_compressed) {
                    Ok(bytes) => audit_one_limited(&shown, &bytes, limits),
                    Err(e) => error_line(&shown, &e),
                };
                if tx.send((i, outcome)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Print in input order: hold early finishers until their turn.
        let mut pending: BTreeMap<usize, Outcome> = BTreeMap::new();
        for (i, o) in rx {
            pending.insert(i, o);
            while let Some(o) = pending.remove(&done) {
                done += 1;
                if o.error {
                    errors += 1;
                }
                for id in &o.check_ids {
                    *counts.entry(id.clone()).or_default() += 1;
                }
                if fail.is_some_and(|t| o.worst.is_some_and(|w| w >= t)) {
                    failed = true;
                }
                if jsonl {
                    let _ = writeln!(out, "{}", o.line);
                }
                if let Some(p) = &progress {
                    p.bar().inc(1);
                }
            }
        }
    });
    if let Some(p) = progress {
        p.finish();
    }
    if summary {
        if jsonl {
            let _ = writeln!(
                out,
                "{}",
                json!({"summary": {"snapshots": done, "errors": errors, "checks": counts}})
            );
        } else {
            let _ = write!(out, "{}", table(done, errors, &counts));
        }
    }
    let _ = out.flush();
    Ok(if errors > 0 {
        ExitCode::Integrity
    } else if failed {
        ExitCode::Findings
    } else {
        ExitCode::Ok
    })
}

/// The per-checkId table, most frequent first.
pub fn table(total: usize, errors: usize, counts: &BTreeMap<String, usize>) -> String {
    let mut rows: Vec<(&String, &usize)> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(7).max(7);
    let mut s = format!(
        "{} snapshots, {} audited, {} unreadable\n\n{:<width$}  snapshots  share\n",
        total,
        total - errors,
        errors,
        "checkId"
    );
    let audited = (total - errors).max(1) as f64;
    for (id, n) in rows {
        s.push_str(&format!(
            "{id:<width$}  {n:>9}  {:>5.1}%\n",
            *n as f64 * 100.0 / audited
        ));
    }
    s
}
