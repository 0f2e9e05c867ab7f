//! Every host case under `tests/conformance/cases/` is audited by clawprint and compared with the reference's findings
//! (`reference.txt`, made by `scripts/golden.sh` from the real OpenClaw 2026.5.20 CLI), restricted to the
//! checkIds clawprint implements so far. Cases the reference refuses (`REFUSED`) are audited too, and must
//! carry a note that OpenClaw would refuse them when clawprint can tell (config parse errors).

mod common;

use std::fs;

use clawprint::audit::{audit, registry};

#[test]
fn findings_match_the_reference_for_implemented_checks() {
    let mut cases = common::cases("conformance/cases");
    cases.extend(common::cases("conformance/hosts"));
    assert!(
        cases.len() >= 20,
        "expected the golden host cases, found {}",
        cases.len()
    );
    let mut compared = 0;
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(golden) = fs::read_to_string(case.join("reference.txt")) else {
            continue;
        };
        let home = common::lay_out(case);
        let snap = common::capture_home(home.path(), &name, true);
        let report = audit(&snap);
        // Every finding says what it is about: fingerprints (docs/fingerprints.md) are built from it.
        for f in &report.findings {
            if f.subject.is_empty() {
                failures.push(format!("{name}: {} has no subject", f.check_id));
            }
        }
        if golden.trim() == "REFUSED" {
            // Refusals clawprint can recognise (syntax, includes) must say so; schema refusals are issue 3.
            let knowable = [
                "B2-refused-invalid-json5",
                "B5-refused-include-missing",
                "30-include-outside-dir",
            ];
            if knowable.contains(&name.as_str())
                && !report.notes.iter().any(|n| n.message.contains("refuse"))
            {
                failures.push(format!(
                    "{name}: OpenClaw refuses this config but clawprint gives no note"
                ));
            }
            continue;
        }
        let expected: Vec<String> = golden
            .lines()
            .filter(|l| {
                l.split_once(' ')
                    .is_some_and(|(_, id)| registry::implemented(id))
            })
            .map(String::from)
            .collect();
        let ours = common::reduced(&report);
        compared += 1;
        if ours != expected {
            failures.push(format!(
                "{name}:\n  reference: {expected:?}\n  clawprint: {ours:?}"
            ));
        }
    }
    eprintln!(
        "conformance: {compared} cases compared with the reference, {} match",
        compared - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {compared} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared >= 20, "only {compared} cases compared");
}
