//! SARIF output validates against the official SARIF 2.1.0 schema (tests/data/sarif-schema-2.1.0.json, copied
//! from OASIS), for an audit and for a diff, and carries what code-scanning tools key on.

mod common;

use clawprint::diff::{self, Input};
use clawprint::report::sarif;
use clawprint::snapshot::{archive, Snapshot};
use serde_json::Value;

fn example(name: &str) -> Snapshot {
    let bytes = std::fs::read(common::repo().join("snapshots").join(name)).unwrap();
    Snapshot::from_bytes(&bytes, &archive::Limits::default()).unwrap()
}

fn validate(doc: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo().join("tests/data/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
}

#[test]
fn audit_sarif_is_valid_and_complete() {
    let snap = example("insecure.clawsnap");
    let report = clawprint::audit::audit(&snap);
    let doc: Value = serde_json::from_str(&sarif::audit(&report, &snap)).unwrap();
    validate(&doc);
    let run = &doc["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(rules[idx]["help"]["text"].as_str().unwrap().len() > 40);
        assert_eq!(
            r["partialFingerprints"][sarif::FINGERPRINT_KEY]
                .as_str()
                .unwrap()
                .len(),
            32
        );
        assert!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("file:///")
        );
    }
    // A finding about a config key points at its line in the config file.
    let token = results
        .iter()
        .find(|r| r["ruleId"] == "gateway.token_too_short")
        .unwrap();
    assert!(
        token["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            > 1
    );
    assert_eq!(token["level"], "warning");
}

#[test]
fn diff_sarif_is_valid_with_baseline_states() {
    let old = Input::from_snapshot(example("hardened.clawsnap"), "hardened");
    let new = Input::from_snapshot(example("insecure.clawsnap"), "insecure");
    let d = diff::diff(&old, &new);
    let doc: Value = serde_json::from_str(&sarif::diff(&d, &old, &new)).unwrap();
    validate(&doc);
    let states: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "new").count(), d.new.len());
    assert!(states.contains(&"new") && states.contains(&"unchanged"));
    // The reverse direction reports the same findings as absent.
    let back = diff::diff(&new, &old);
    let doc: Value = serde_json::from_str(&sarif::diff(&back, &new, &old)).unwrap();
    validate(&doc);
    let absent = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["baselineState"] == "absent")
        .count();
    assert_eq!(absent, d.new.len());
}
