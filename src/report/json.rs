//! The reference's `security audit --json` shape, key order included:
//! `ts, summary, findings, [suppressedFindings], secretDiagnostics`. Each finding carries one key the reference
//! does not have, `fingerprint` (last), so saved reports can be diffed; jq pipelines over the reference's keys
//! are unaffected.

use schemars::JsonSchema;
use serde::Serialize;

use crate::audit::checks::meta::Suppressed;
use crate::audit::{Finding, Report, Summary};

/// The `audit --json` document (its JSON Schema, docs/schemas/report.schema.json, is generated from this type).
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonReport<'a> {
    /// When the report was made, in milliseconds since the Unix epoch.
    ts: u64,
    /// How many findings of each severity (suppressed ones not counted).
    summary: &'a Summary,
    /// In the reference's order.
    findings: Vec<WithFingerprint<'a, Finding>>,
    /// Findings moved here by `security.audit.suppressions`; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressed_findings: Vec<WithFingerprint<'a, Suppressed>>,
    /// SecretRefs that did not resolve, in the reference's wording.
    secret_diagnostics: &'a [String],
}

/// An item with clawprint's stable fingerprint appended (see docs/fingerprints.md).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "{T}WithFingerprint")]
pub struct WithFingerprint<'a, T> {
    #[serde(flatten)]
    pub item: &'a T,
    /// 32 hex characters from the checkId and what the finding is about (docs/fingerprints.md): the same
    /// problem on the same thing keeps it across reports.
    pub fingerprint: String,
}

/// Pretty JSON (2-space indent, like `JSON.stringify(…, null, 2)`), `ts` in milliseconds since the epoch.
pub fn render(report: &Report, ts_ms: u64) -> String {
    serde_json::to_string_pretty(&value(report, ts_ms)).expect("report serializes")
}

/// The report as a JSON value (fleet output embeds it).
pub fn value(report: &Report, ts_ms: u64) -> serde_json::Value {
    let (fps, sfps) = report.fingerprints();
    let r = JsonReport {
        ts: ts_ms,
        summary: &report.summary,
        findings: report
            .findings
            .iter()
            .zip(fps)
            .map(|(item, fingerprint)| WithFingerprint { item, fingerprint })
            .collect(),
        suppressed_findings: report
            .suppressed
            .iter()
            .zip(sfps)
            .map(|(item, fingerprint)| WithFingerprint { item, fingerprint })
            .collect(),
        secret_diagnostics: &report.secret_diagnostics,
    };
    serde_json::to_value(&r).expect("report serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Severity;

    #[test]
    fn key_order_and_optional_remediation() {
        let findings = vec![
            Finding::new("a.b", Severity::Warn, "T", "D").fix("R"),
            Finding::new("c.d", Severity::Info, "T2", "D2"),
        ];
        let report = Report {
            summary: Summary::of(&findings),
            findings,
            suppressed: vec![],
            secret_diagnostics: vec![],
            notes: vec![],
        };
        let out = render(&report, 7);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["ts", "summary", "findings", "secretDiagnostics"]);
        assert_eq!(
            v["summary"],
            serde_json::json!({"critical": 0, "warn": 1, "info": 1})
        );
        let f0: Vec<&String> = v["findings"][0].as_object().unwrap().keys().collect();
        assert_eq!(
            f0,
            [
                "checkId",
                "severity",
                "title",
                "detail",
                "remediation",
                "fingerprint"
            ]
        );
        assert!(v["findings"][1].get("remediation").is_none());
    }
}
