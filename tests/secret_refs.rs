//! SecretRef resolution before the audit, and the gateway collector's row order, against the reference's full
//! reports (`reference.json` of every host case).
//!
//! `secretDiagnostics` must equal the reference's strings, with two exceptions that depend on the host rather than
//! on the config: the error text of a running-gateway call the reference makes (it names the URL and config path
//! of a connection attempt clawprint never makes, so clawprint puts its own note inside the parentheses), and exec
//! sources, which clawprint never runs (cases listed in `EXEC_RUNS`).

mod common;

use common::contains;

use std::fs;

use clawprint::audit::{audit, checks::secrets::OFFLINE_GATEWAY_NOTE, registry, Report};
use serde_json::Value;

/// Cases where the reference ran an exec secret provider (clawprint reports those refs unresolved instead).
const EXEC_RUNS: &[&str] = &["G37-secretref-exec-runs"];

const GATEWAY_PREFIX: &str = "security audit: gateway secrets.resolve unavailable (";

struct Case {
    name: String,
    reference: Value,
    report: Report,
}

fn cases() -> Vec<Case> {
    common::cases("conformance/cases")
        .into_iter()
        .filter_map(|dir| {
            let reference: Value =
                serde_json::from_str(&fs::read_to_string(dir.join("reference.json")).ok()?)
                    .unwrap();
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let home = common::lay_out(&dir);
            let snap = common::capture_home(home.path(), &name, true);
            Some(Case {
                name,
                reference,
                report: audit(&snap),
            })
        })
        .collect()
}

/// The reference's text with the laid-out HOME as clawprint records it.
fn ours_home(s: &str) -> String {
    s.replace(common::HOME_ALIAS, "~")
}

/// A reference diagnostic about a gateway connection attempt (host-specific): `Some((before, after))` around the
/// parenthesized error.
fn connection_attempt(d: &str) -> Option<(&str, &str)> {
    let rest = d.strip_prefix(GATEWAY_PREFIX)?;
    if !rest.contains("\nGateway target: ") {
        return None;
    }
    let close = rest.rfind("); ")?;
    Some((GATEWAY_PREFIX, &rest[close..]))
}

#[test]
fn secret_diagnostics_match_the_reference() {
    let mut compared = 0;
    let mut failures = Vec::new();
    for c in cases() {
        if EXEC_RUNS.contains(&c.name.as_str()) {
            continue;
        }
        let expected: Vec<String> = c.reference["secretDiagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let d = d.as_str().unwrap();
                match connection_attempt(d) {
                    Some((before, after)) => format!("{before}{OFFLINE_GATEWAY_NOTE}{after}"),
                    None => d.to_string(),
                }
            })
            .collect();
        let ours: Vec<String> = c
            .report
            .secret_diagnostics
            .iter()
            .map(|d| ours_home(d))
            .collect();
        compared += 1;
        if ours != expected {
            failures.push(format!(
                "{}:\n  reference: {expected:#?}\n  clawprint: {ours:#?}",
                c.name
            ));
        }
    }
    eprintln!(
        "secretDiagnostics: {compared} cases compared, {} match",
        compared - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn exec_sources_are_reported_not_run() {
    let c = cases()
        .into_iter()
        .find(|c| c.name == "G37-secretref-exec-runs")
        .unwrap();
    let d = &c.report.secret_diagnostics;
    assert!(
        d[0].starts_with("security audit: failed to resolve gateway.auth.token locally (exec secret provider \"vault\" was not run"),
        "{d:?}"
    );
    assert!(d
        .last()
        .unwrap()
        .ends_with("attempted local command-secret resolution."));
}

/// The families this branch implements: their findings must come out in the reference's relative order.
fn mine(id: &str) -> bool {
    id.starts_with("gateway.")
        || id.starts_with("discovery.")
        || id.starts_with("config.")
        || id.starts_with("logging.")
        || id.starts_with("tools.elevated.")
        || id == "tools.profile_minimal_overridden"
}

#[test]
fn gateway_family_order_and_flags_match_the_reference() {
    let mut failures = Vec::new();
    for c in cases() {
        let findings = c.reference["findings"].as_array().unwrap();
        let expected: Vec<String> = findings
            .iter()
            .map(|f| f["checkId"].as_str().unwrap().to_string())
            .filter(|id| mine(id) && registry::implemented(id))
            .collect();
        let ours: Vec<String> = c
            .report
            .findings
            .iter()
            .map(|f| f.check_id.clone())
            .filter(|id| mine(id))
            .collect();
        if ours != expected {
            failures.push(format!(
                "{} order:\n  reference: {expected:?}\n  clawprint: {ours:?}",
                c.name
            ));
        }
        // The flag each config.insecure_or_dangerous_flags finding names, in order.
        let expected_flags: Vec<String> = findings
            .iter()
            .filter(|f| f["checkId"] == "config.insecure_or_dangerous_flags")
            .map(|f| {
                let d = f["detail"].as_str().unwrap();
                d.trim_start_matches("Detected enabled flag: ")
                    .trim_end_matches('.')
                    .to_string()
            })
            .collect();
        let our_flags: Vec<String> = c
            .report
            .findings
            .iter()
            .filter(|f| f.check_id == "config.insecure_or_dangerous_flags")
            .map(|f| {
                f.detail
                    .trim_start_matches("Enabled: ")
                    .split(". It switches")
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        if our_flags != expected_flags {
            failures.push(format!(
                "{} flags:\n  reference: {expected_flags:?}\n  clawprint: {our_flags:?}",
                c.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Resolved secrets (from `.env`, a JSON file, a single-value file) reach the snapshot only as markers, and the
/// audit of the redacted snapshot equals the audit of the raw one, diagnostics included.
#[test]
fn resolved_secrets_stay_redacted_and_audit_is_unchanged() {
    let secrets = [
        ("G30-secretref-env-dotenv", "test-token-0123456789ab"),
        ("G31-secretref-file-password", "pw-from-file-0123456789"),
        ("G35-secretref-file-singlevalue", "test-token-0123456789ab"),
        (
            "G41-secretref-telegram-account-dotenv",
            "123456:test-bot-token-abcdefghijklmnop",
        ),
        ("G43-secretref-legacy-marker", "test-token-0123456789ab"),
    ];
    for (case, secret) in secrets {
        let dir = common::repo().join("tests/conformance/cases").join(case);
        let home = common::lay_out(&dir);
        let redacted = common::capture_home(home.path(), case, true);
        let raw = common::capture_home(home.path(), case, false);
        let mut plain = redacted.to_bytes().unwrap();
        for b in redacted.blobs.values() {
            plain.extend(b);
        }
        plain.extend(redacted.manifest_bytes());
        assert!(
            !contains(&plain, secret.as_bytes()),
            "{case}: secret in snapshot"
        );
        assert!(
            redacted
                .manifest
                .secret_refs
                .iter()
                .any(|f| f.status == "resolved"
                    && f.value
                        .as_deref()
                        .is_some_and(|v| v.starts_with("<<clawprint:secret "))),
            "{case}: no resolved fact"
        );
        let (a, b) = (audit(&redacted), audit(&raw));
        assert_eq!(a.findings, b.findings, "{case}");
        assert_eq!(a.secret_diagnostics, b.secret_diagnostics, "{case}");
    }
}
