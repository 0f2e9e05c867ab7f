//! Fleet audit: a directory of snapshots, one JSON line each in input order, a corrupt file is one error line,
//! and the per-checkId summary.

mod common;

use std::fs;
use std::process::Command;

#[test]
fn fleet_lines_errors_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let snaps = common::repo().join("snapshots");
    for (i, name) in [
        "insecure.clawsnap",
        "hardened.clawsnap",
        "insecure.clawsnap",
    ]
    .iter()
    .enumerate()
    {
        fs::copy(snaps.join(name), dir.path().join(format!("{i}-{name}"))).unwrap();
    }
    let mut bad = fs::read(snaps.join("hardened.clawsnap")).unwrap();
    let n = bad.len();
    bad[n / 2] ^= 0xff;
    fs::write(dir.path().join("3-corrupt.clawsnap"), bad).unwrap();
    fs::write(dir.path().join("notes.txt"), "ignored").unwrap();

    let bin = env!("CARGO_BIN_EXE_clawprint");
    let out = Command::new(bin)
        .args(["audit", "--jsonl", "--summary"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "a corrupt snapshot makes the exit code 3"
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("0-insecure.clawsnap"));
    assert!(lines[1]["path"]
        .as_str()
        .unwrap()
        .ends_with("1-hardened.clawsnap"));
    assert_eq!(lines[0]["id"], lines[2]["id"]);
    assert!(lines[0]["findings"][0]["fingerprint"].is_string());
    assert!(lines[3]["error"].is_string());
    let summary = &lines[4]["summary"];
    assert_eq!(summary["snapshots"], 4);
    assert_eq!(summary["errors"], 1);
    assert_eq!(summary["checks"]["summary.attack_surface"], 3);
    assert_eq!(summary["checks"]["fs.config.perms_world_readable"], 2);

    // Without --jsonl, --summary prints the table only.
    let out = Command::new(bin)
        .args(["audit", "--summary"])
        .arg(dir.path().join("0-insecure.clawsnap"))
        .arg(dir.path().join("1-hardened.clawsnap"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.starts_with("2 snapshots, 2 audited, 0 unreadable"),
        "{table}"
    );
    assert!(table.contains("summary.attack_surface"));
}
