//! `security.audit.suppressions`: accepted risks move findings to `suppressedFindings`.
//!
//! A finding is suppressed by the first entry whose `checkId` (trimmed) equals its checkId exactly and whose
//! `titleIncludes` / `detailIncludes`, when non-blank, occur in its title / detail case-insensitively.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::audit::context::Ctx;
use crate::audit::finding::{Finding, Severity};
use crate::audit::registry::{Area, CheckDef};
use crate::config::secret::js_trim;

pub const CHECKS: &[CheckDef] = &[CheckDef::new(
    "security.audit.suppressions.active",
    Area::Meta,
    "info",
    false,
    "`security.audit.suppressions` is configured: the report says how many findings it moved to `suppressedFindings`, so an accepted risk stays visible. Review the list and remove entries whose risk no longer applies. Never suppressed itself.",
)];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Suppression {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: Finding,
    pub suppression: Suppression,
}

struct Rule<'a> {
    check_id: &'a str,
    title: Option<String>,
    detail: Option<String>,
    reason: Option<String>,
}

fn non_blank_lower(v: Option<&Value>) -> Option<String> {
    let s = js_trim(v?.as_str()?);
    (!s.is_empty()).then(|| s.to_lowercase())
}

/// Apply the configured suppressions; appends `security.audit.suppressions.active` when any are configured.
pub fn apply(ctx: &Ctx, findings: Vec<Finding>) -> (Vec<Finding>, Vec<Suppressed>) {
    let configured: &[Value] = ctx
        .get("/security/audit/suppressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let rules: Vec<Rule> = configured
        .iter()
        .filter_map(|e| {
            Some(Rule {
                check_id: js_trim(e.get("checkId")?.as_str()?),
                title: non_blank_lower(e.get("titleIncludes")),
                detail: non_blank_lower(e.get("detailIncludes")),
                reason: e
                    .get("reason")
                    .and_then(Value::as_str)
                    .map(|r| js_trim(r).to_string()),
            })
        })
        .collect();
    let (mut active, mut suppressed) = (Vec::new(), Vec::new());
    for f in findings {
        let hit = rules.iter().find(|r| {
            r.check_id == f.check_id
                && r.title
                    .as_ref()
                    .is_none_or(|t| f.title.to_lowercase().contains(t))
                && r.detail
                    .as_ref()
                    .is_none_or(|d| f.detail.to_lowercase().contains(d))
        });
        match hit {
            Some(r) => suppressed.push(Suppressed {
                finding: f,
                suppression: Suppression {
                    reason: r.reason.clone(),
                },
            }),
            None => active.push(f),
        }
    }
    if !configured.is_empty() {
        active.push(
            Finding::new(
                "security.audit.suppressions.active",
                Severity::Info,
                "Audit suppressions are active",
                format!(
                    "security.audit.suppressions has {} entr{}; {} finding(s) moved to suppressedFindings.",
                    configured.len(),
                    if configured.len() == 1 { "y" } else { "ies" },
                    suppressed.len()
                ),
            )
            .fix("Review suppressedFindings and remove suppressions whose accepted risk no longer applies.")
            .about("security.audit.suppressions"),
        );
    }
    (active, suppressed)
}

#[cfg(test)]
mod tests {
    use crate::audit::testkit::Host;

    #[test]
    fn first_matching_entry_wins_and_meta_finding_is_appended() {
        let host = Host::new(
            r#"{security: {audit: {suppressions: [
                {checkId: " gateway.trusted_proxies_missing ", detailIncludes: "TRUSTEDPROXIES", reason: " local dev "},
                {checkId: "gateway.loopback_no_auth", titleIncludes: "no such title"},
            ]}}}"#,
        );
        let snap = host.snapshot();
        let r = crate::audit::audit(&snap);
        let ids: Vec<&str> = r.findings.iter().map(|f| f.check_id.as_str()).collect();
        assert!(!ids.contains(&"gateway.trusted_proxies_missing"));
        assert!(ids.contains(&"gateway.loopback_no_auth"));
        assert_eq!(ids.last(), Some(&"security.audit.suppressions.active"));
        assert_eq!(r.suppressed.len(), 1);
        assert_eq!(
            r.suppressed[0].suppression.reason.as_deref(),
            Some("local dev")
        );
        assert_eq!(r.summary.info, 2);
    }
}
