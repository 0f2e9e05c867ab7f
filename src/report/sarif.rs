//! SARIF 2.1.0 for code-scanning tools: one rule per checkId (its doc as help), one result per finding with
//! level, message, a stable `partialFingerprints` entry, the location (config file and key line:col, or the
//! path), and in diffs a `baselineState`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::location::{file_uri, locate};
use crate::audit::{registry, Report, Severity};
use crate::diff::{Diff, Input, Item};
use crate::snapshot::Snapshot;

/// Key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "clawprintFinding/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    }
}

/// The level a rule has by default: the first severity its rule text names.
fn default_level(rule: &str) -> &'static str {
    let first = rule.split([';', ' ', ',']).next().unwrap_or("");
    match first {
        "critical" => "error",
        "info" => "note",
        _ => "warning",
    }
}

struct Entry<'a> {
    item: Item,
    snapshot: Option<&'a Snapshot>,
    baseline: Option<&'static str>,
}

fn rule(check_id: &str) -> Value {
    let def = registry::find(check_id);
    let doc = def
        .map(|d| d.doc)
        .unwrap_or("Reported by OpenClaw's security audit.");
    let short = doc.split(". ").next().unwrap_or(doc).trim_end_matches('.');
    let mut r = json!({
        "id": check_id,
        "shortDescription": {"text": format!("{short}.")},
        "fullDescription": {"text": doc},
        "help": {"text": doc},
        "defaultConfiguration": {"level": def.map(|d| default_level(d.severity)).unwrap_or("warning")},
    });
    if let Some(d) = def {
        r["properties"] = json!({
            "area": d.area.as_str(),
            "severityRule": d.severity,
            "fixable": d.fixable,
            "tags": ["security", d.area.as_str()],
        });
    }
    r
}

fn result(e: &Entry, rule_index: usize) -> Value {
    let i = &e.item;
    let mut text = format!("{}: {}", i.title, i.detail);
    if text.trim().is_empty() {
        text = i.check_id.clone();
    }
    let mut r = json!({
        "ruleId": i.check_id,
        "ruleIndex": rule_index,
        "level": level(i.severity),
        "message": {"text": text},
    });
    let subject = i.subject.as_deref().unwrap_or("");
    let loc = e.snapshot.and_then(|s| {
        if subject.is_empty() {
            locate(s, &s.manifest.config.path)
        } else {
            locate(s, subject)
        }
    });
    if let Some(l) = loc {
        let mut phys = json!({"artifactLocation": {"uri": file_uri(&l.path)}});
        if let (Some(line), Some(col)) = (l.line, l.col) {
            phys["region"] = json!({"startLine": line, "startColumn": col});
        }
        r["locations"] = json!([{"physicalLocation": phys}]);
    }
    if let Some(fp) = &i.fingerprint {
        r["partialFingerprints"] = json!({FINGERPRINT_KEY: fp});
    }
    if let Some(b) = e.baseline {
        r["baselineState"] = json!(b);
    }
    let mut props = json!({"severity": i.severity.as_str()});
    if !subject.is_empty() {
        props["subject"] = json!(subject);
    }
    if let Some(rem) = &i.remediation {
        props["remediation"] = json!(rem);
    }
    r["properties"] = props;
    r
}

fn log(entries: &[Entry], properties: Value) -> String {
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for e in entries {
        if !rules.contains_key(e.item.check_id.as_str()) {
            rules.insert(&e.item.check_id, order.len());
            order.push(&e.item.check_id);
        }
    }
    let results: Vec<Value> = entries
        .iter()
        .map(|e| result(e, rules[e.item.check_id.as_str()]))
        .collect();
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "clawprint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": order.iter().map(|id| rule(id)).collect::<Vec<_>>(),
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": properties,
        }],
    });
    serde_json::to_string_pretty(&v).expect("SARIF serializes")
}

/// `audit --sarif`.
pub fn audit(report: &Report, snap: &Snapshot) -> String {
    let (fps, _) = report.fingerprints();
    let entries: Vec<Entry> = report
        .findings
        .iter()
        .zip(fps)
        .map(|(f, fp)| Entry {
            item: Item {
                check_id: f.check_id.clone(),
                severity: f.severity,
                title: f.title.clone(),
                detail: f.detail.clone(),
                remediation: f.remediation.clone(),
                fingerprint: Some(fp),
                subject: Some(f.subject.clone()),
            },
            snapshot: Some(snap),
            baseline: None,
        })
        .collect();
    log(
        &entries,
        json!({"snapshotId": snap.id(), "label": snap.meta.label}),
    )
}

/// `diff --sarif`: every finding of NEW with its `baselineState` (new, updated, unchanged), then the resolved ones
/// (`absent`, located in OLD).
pub fn diff<'a>(d: &Diff, old: &'a Input, new: &'a Input) -> String {
    let mut entries: Vec<Entry<'a>> = Vec::new();
    fn push<'a>(
        entries: &mut Vec<Entry<'a>>,
        item: &Item,
        snap: Option<&'a Snapshot>,
        b: &'static str,
    ) {
        entries.push(Entry {
            item: item.clone(),
            snapshot: snap,
            baseline: Some(b),
        })
    }
    for i in &d.new {
        push(&mut entries, i, new.snapshot(), "new");
    }
    for c in &d.changed {
        push(&mut entries, &c.after, new.snapshot(), "updated");
    }
    for i in &d.unchanged {
        push(&mut entries, i, new.snapshot(), "unchanged");
    }
    for i in &d.resolved {
        push(&mut entries, i, old.snapshot(), "absent");
    }
    log(
        &entries,
        json!({"old": d.old, "new": d.new_side, "matching": d.matching}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(default_level("warn; critical when exposed"), "warning");
        assert_eq!(default_level("critical"), "error");
        assert_eq!(default_level("info"), "note");
        assert_eq!(level(Severity::Critical), "error");
    }
}
