//! `diff`: matching by fingerprint between snapshots, by checkId + detail against reports without fingerprints,
//! host changes linked to the findings they explain, and the CI gates.

mod common;

use std::fs;

use clawprint::diff::{self, Gate, Input};
use clawprint::snapshot::{archive, Snapshot};

fn example(name: &str) -> Snapshot {
    let bytes = fs::read(common::repo().join("snapshots").join(name)).unwrap();
    Snapshot::from_bytes(&bytes, &archive::Limits::default()).unwrap()
}

#[test]
fn a_snapshot_against_itself_changes_nothing() {
    let a = Input::from_snapshot(example("insecure.clawsnap"), "a");
    let b = Input::from_snapshot(example("insecure.clawsnap"), "b");
    let d = diff::diff(&a, &b);
    assert_eq!(d.matching, diff::Matching::Fingerprint);
    assert_eq!(
        (d.counts.new, d.counts.resolved, d.counts.changed),
        (0, 0, 0)
    );
    assert_eq!(d.counts.unchanged, d.unchanged.len());
    assert!(d.host_changes.as_ref().unwrap().is_empty());
    assert!(!d.fails(Gate::New) && !d.fails(Gate::NewCritical));
    assert!(d.fails(Gate::AnyCritical));
}

#[test]
fn hardening_to_insecure_shows_cause_next_to_effect() {
    let old = Input::from_snapshot(example("hardened.clawsnap"), "old");
    let new = Input::from_snapshot(example("insecure.clawsnap"), "new");
    let d = diff::diff(&old, &new);
    let ids: Vec<&str> = d.new.iter().map(|i| i.check_id.as_str()).collect();
    assert!(ids.contains(&"fs.config.perms_world_readable"), "{ids:?}");
    assert!(d.fails(Gate::New) && d.fails(Gate::NewCritical));
    let host = d.host_changes.as_ref().unwrap();
    assert!(host
        .config
        .iter()
        .any(|c| c.key == "gateway.bind" && c.after.as_deref() == Some("\"lan\"")));
    // The world-readable config finding is linked to the config file's mode change, and only to that path.
    let cause = d
        .causes
        .iter()
        .find(|c| c.check_id == "fs.config.perms_world_readable")
        .unwrap();
    assert!(cause
        .changes
        .iter()
        .all(|c| c.key.ends_with("/.openclaw/openclaw.json")));
    // Secrets appear as markers only.
    let doc = clawprint::report::DiffDoc {
        diff: &d,
        home: None,
    };
    let text = clawprint::report::diff::render(&doc, clawprint::report::Style::PLAIN);
    assert!(text.contains("<secret #"), "{text}");
    // Reversed, the same findings are resolved.
    let back = diff::diff(&new, &old);
    assert_eq!(back.counts.resolved, d.counts.new);
    assert!(!back.fails(Gate::New));
}

#[test]
fn a_reference_report_matches_on_check_id_and_detail() {
    // The reference's own JSON for the insecure host has no fingerprints; its details are worded differently,
    // so findings pair up by checkId and none is new or resolved.
    let reference =
        fs::read(common::repo().join("tests/conformance/hosts/insecure/reference.json")).unwrap();
    let old = Input::from_bytes(&reference, "reference.json").unwrap();
    let new = Input::from_snapshot(example("insecure.clawsnap"), "insecure");
    let d = diff::diff(&old, &new);
    assert_eq!(d.matching, diff::Matching::CheckIdDetail);
    assert!(d.host_changes.is_none());
    assert_eq!(
        d.counts.new,
        0,
        "new {:?}",
        d.new.iter().map(|i| &i.check_id).collect::<Vec<_>>()
    );
    // Only checks clawprint does not implement can be missing on our side.
    for r in &d.resolved {
        assert!(
            !clawprint::audit::registry::implemented(&r.check_id),
            "{} resolved",
            r.check_id
        );
    }
    assert!(d.counts.unchanged + d.counts.changed >= 10);
}

#[test]
fn severity_changes_are_reported_as_changed() {
    let mk = |sev: &str| {
        format!(
            r#"{{"findings":[{{"checkId":"gateway.http.no_auth","severity":"{sev}","title":"t","detail":"d","fingerprint":"f1"}}]}}"#
        )
    };
    let old = Input::from_bytes(mk("warn").as_bytes(), "old").unwrap();
    let new = Input::from_bytes(mk("critical").as_bytes(), "new").unwrap();
    let d = diff::diff(&old, &new);
    assert_eq!(d.counts.changed, 1);
    assert!(d.changed[0].severity_changed());
    assert!(d.fails(Gate::NewCritical) && !d.fails(Gate::New));
}

#[test]
fn cli_exit_codes_follow_fail_on() {
    let bin = env!("CARGO_BIN_EXE_clawprint");
    let snaps = common::repo().join("snapshots");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .current_dir(&snaps)
            .output()
            .unwrap()
    };
    let o = run(&[
        "diff",
        "hardened.clawsnap",
        "insecure.clawsnap",
        "--fail-on",
        "new-critical",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&[
        "diff",
        "insecure.clawsnap",
        "hardened.clawsnap",
        "--fail-on",
        "new",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["diff", "insecure.clawsnap", "hardened.clawsnap", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["counts"]["new"], 0);
    let o = run(&["diff", "insecure.clawsnap", "/nonexistent"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn fingerprints_survive_unrelated_host_changes() {
    use std::os::unix::fs::PermissionsExt;
    let home = common::lay_out(&common::repo().join("tests/conformance/hosts/insecure"));
    let before = common::capture_home(home.path(), "before", true);
    // Reformat the config (comments, key order) and loosen the state dir from 755 to 750.
    let cfg = home.path().join(".openclaw/openclaw.json");
    fs::write(
        &cfg,
        "// reformatted\n{ agents: { list: [{ default: true, id: \"main\" }] },\n  logging: { file: \"~/.openclaw/logs/gateway.log\" },\n  $include: \"./channels.json5\",\n  gateway: { auth: { token: \"changeme-gw-token-01\" }, bind: \"lan\" } }\n",
    )
    .unwrap();
    fs::set_permissions(
        home.path().join(".openclaw"),
        fs::Permissions::from_mode(0o750),
    )
    .unwrap();
    let after = common::capture_home(home.path(), "after", true);
    let d = diff::diff(
        &Input::from_snapshot(before, "before"),
        &Input::from_snapshot(after, "after"),
    );
    assert_eq!((d.counts.new, d.counts.resolved), (0, 0));
    // The state dir finding is the same finding with a new detail (mode=750), not a new one.
    assert_eq!(d.counts.changed, 1);
    assert_eq!(d.changed[0].after.check_id, "fs.state_dir.perms_readable");
    assert_eq!(
        d.changed[0].before.fingerprint,
        d.changed[0].after.fingerprint
    );
    let keys: Vec<&str> = d
        .host_changes
        .as_ref()
        .unwrap()
        .config
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    assert!(
        keys.is_empty(),
        "reordering keys is not a config change: {keys:?}"
    );
}
