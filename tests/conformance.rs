//! Every host case under `tests/conformance/cases/` is audited by clawprint and compared with the reference's findings
//! (`reference.txt`, made by `scripts/golden.sh` from the real OpenClaw 2026.5.20 CLI), restricted to the
//! checkIds clawprint implements so far. Cases the reference refuses (`REFUSED`) are audited too: they must carry
//! a note that OpenClaw would refuse them, naming the config paths the reference names on stderr
//! (`reference.stderr.txt`): the same first path and the same set of paths, unless listed in
//! [`REFUSAL_PATH_EXCEPTIONS`].

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use clawprint::audit::{audit, registry};

/// Refused cases whose offending paths clawprint cannot name exactly, and why.
const REFUSAL_PATH_EXCEPTIONS: &[(&str, &str)] = &[];

const REFUSAL_PREFIX: &str = "OpenClaw would refuse this config: ";

/// The config paths of the reference's `Problem:` lines (`  - <path>: <message>`), in order, de-duplicated.
fn reference_problem_paths(case: &Path) -> Vec<String> {
    let text = fs::read_to_string(case.join("reference.stderr.txt")).unwrap_or_else(|_| {
        panic!(
            "{}: REFUSED without reference.stderr.txt (run scripts/golden.sh)",
            case.display()
        )
    });
    let mut out = Vec::new();
    let mut in_problems = false;
    for line in text.lines() {
        if line == "Problem:" {
            in_problems = true;
            continue;
        }
        let Some(item) = line.strip_prefix("  - ").filter(|_| in_problems) else {
            in_problems = false;
            continue;
        };
        let path = item.split_once(": ").map_or(item, |(p, _)| p).to_string();
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// The config paths clawprint's refusal notes name, in order, de-duplicated. Schema problems read
/// `<prefix><path>: <problem>` on the config file; a load failure (JSON5 syntax, `$include`) is about the whole
/// config, which the reference calls `<root>` (its note names a file and line:col, or an include file).
fn refusal_paths(report: &clawprint::audit::Report, config_path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for n in &report.notes {
        // Capture reports an unparseable config itself ("OpenClaw refuses this config: <file:line:col and caret>").
        if (n.message.ends_with("(OpenClaw refuses this config)")
            || n.message.starts_with("OpenClaw refuses this config"))
            && !out.contains(&"<root>".to_string())
        {
            out.push("<root>".to_string());
        }
        let Some(rest) = n.message.strip_prefix(REFUSAL_PREFIX) else {
            continue;
        };
        let head = rest.split_once(": ").map_or(rest, |(p, _)| p);
        let line_col = head
            .split(':')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        let path = if n.path != config_path || line_col {
            "<root>".to_string()
        } else {
            head.to_string()
        };
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

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
    let (mut refused, mut same_first_count, mut same_set_count) = (0, 0, 0);
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
            refused += 1;
            let reference = reference_problem_paths(case);
            // The reference names paths by their real keys; a pseudonymized snapshot names a position under an
            // id-keyed map (`broadcast.<peer>`) by the pseudonym. Compare the paths of a capture that keeps
            // identities; the pseudonymized one must refuse at as many paths.
            let kept = clawprint::capture::capture(
                &clawprint::capture::HostSpec::for_home(home.path()),
                &clawprint::capture::CaptureOptions {
                    keep_identities: true,
                    ..common::options(&name, true)
                },
            )
            .unwrap();
            let ours = refusal_paths(&audit(&kept), &kept.manifest.config.path);
            let pseudonymized = refusal_paths(&report, &snap.manifest.config.path);
            if pseudonymized.len() != ours.len() {
                failures.push(format!(
                    "{name}: refusal paths with identities kept {ours:?}, pseudonymized {pseudonymized:?}"
                ));
            }
            if ours.is_empty() {
                failures.push(format!(
                    "{name}: OpenClaw refuses this config ({reference:?}) but clawprint gives no refusal note"
                ));
                continue;
            }
            let same_first = reference.first() == ours.first();
            let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<String>>();
            let same_set = set(&reference) == set(&ours);
            same_first_count += usize::from(same_first);
            same_set_count += usize::from(same_set);
            let excused = REFUSAL_PATH_EXCEPTIONS.iter().find(|(c, _)| *c == name);
            if !(same_first && same_set) && excused.is_none() {
                failures.push(format!(
                    "{name}: refusal paths differ\n  reference: {reference:?}\n  clawprint: {ours:?}"
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
        compared - failures.iter().filter(|f| !f.contains("refus")).count()
    );
    eprintln!(
        "conformance: {refused} cases refused by the reference; clawprint names the same first path in \
         {same_first_count}, the same set of paths in {same_set_count}"
    );
    assert!(
        failures.is_empty(),
        "{} of {compared} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared >= 20, "only {compared} cases compared");
}
