//! The bench host generator (benches/support/hostgen.rs) makes hosts the capture reads fully and OpenClaw would
//! load, and a big capture (where the walk reads directories ahead on helper threads) is reproducible and
//! complete.

#[path = "../benches/support/hostgen.rs"]
mod hostgen;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use clawprint::audit::audit;
use clawprint::capture::{self, CaptureOptions, HostSpec};
use clawprint::snapshot::{FileKind, Snapshot};

fn capture(home: &Path) -> Snapshot {
    let opts = CaptureOptions {
        home_alias: Some("/home/user".into()),
        owner_alias: Some((1000, 1000)),
        ..CaptureOptions::default()
    };
    capture::capture(&HostSpec::for_home(home), &opts).unwrap()
}

#[test]
fn typical_host_is_loaded_and_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let shape = hostgen::Shape::typical();
    hostgen::generate(tmp.path(), &shape);
    let snap = capture(tmp.path());
    assert_eq!(snap.manifest.walk.entries as usize, shape.entry_count());
    let report = audit(&snap);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let ids: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.check_id.as_str())
        .collect();
    for id in [
        "fs.config.perms_world_readable",
        "fs.config_include.perms_writable",
        "fs.credentials_dir.perms_writable",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    // Two layouts of one shape capture to the same bytes.
    let other = tempfile::tempdir().unwrap();
    hostgen::generate(other.path(), &shape);
    assert_eq!(
        capture(other.path()).to_bytes().unwrap(),
        snap.to_bytes().unwrap()
    );
}

#[test]
fn state_db_from_the_real_schema_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let shape = hostgen::Shape {
        db_bytes: Some(256 * 1024),
        ..hostgen::Shape::typical()
    };
    hostgen::generate(tmp.path(), &shape);
    let snap = capture(tmp.path());
    assert_eq!(snap.manifest.walk.entries as usize, shape.entry_count());
    let db = &snap.manifest.databases[0];
    assert!(db.path.ends_with("/state/openclaw.sqlite"), "{}", db.path);
    assert!(
        db.facts.diagnostics.is_empty(),
        "{:?}",
        db.facts.diagnostics
    );
    let header = db.facts.header.as_ref().unwrap();
    assert_eq!(header.user_version, hostgen::schema_user_version());
    assert_eq!(
        (header.write_version, header.read_version),
        (2, 2),
        "WAL mode"
    );
    assert!(header.page_count as u64 * header.page_size as u64 > 256 * 1024);
    let state = db.facts.state.as_ref().unwrap();
    assert_eq!(state.plugin_installs.len(), 1);
    assert_eq!(state.pairing_allowlists.len(), 1);
    assert!(state.exec_approvals.is_some());
}

#[test]
fn big_tree_capture_is_reproducible_and_complete() {
    // 10,000 entries in 120 directories: the walk starts its read-ahead threads.
    let tmp = tempfile::tempdir().unwrap();
    let shape = hostgen::Shape::with_entries(10_000);
    hostgen::generate(tmp.path(), &shape);
    let first = capture(tmp.path());
    assert!(!first.manifest.walk.truncated);
    assert_eq!(first.manifest.walk.entries, 10_000);
    let bytes = first.to_bytes().unwrap();
    for _ in 0..3 {
        assert_eq!(capture(tmp.path()).to_bytes().unwrap(), bytes);
    }
    // Every entry of the tree, with its mode and kind, as an independent walk sees it.
    let mut want = BTreeMap::new();
    let mut stack = vec![tmp.path().join(".openclaw")];
    while let Some(d) = stack.pop() {
        let m = fs::symlink_metadata(&d).unwrap();
        let rel = d
            .strip_prefix(tmp.path())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        want.insert(format!("/home/user/{rel}"), (m.mode() & 0o7777, m.is_dir()));
        if m.is_dir() {
            for e in fs::read_dir(&d).unwrap() {
                stack.push(e.unwrap().path());
            }
        }
    }
    let got: BTreeMap<String, (u32, bool)> = first
        .manifest
        .files
        .iter()
        .filter(|f| f.path.starts_with("/home/user/.openclaw"))
        .map(|f| (f.path.clone(), (f.mode, f.kind == FileKind::Dir)))
        .collect();
    assert_eq!(got, want);
    // Cut at an entry limit: the same prefix of the walk every time.
    let opts = CaptureOptions {
        entry_limit: 8_765,
        home_alias: Some("/home/user".into()),
        ..CaptureOptions::default()
    };
    let cut = |_| {
        capture::capture(&HostSpec::for_home(tmp.path()), &opts)
            .unwrap()
            .to_bytes()
            .unwrap()
    };
    let a = cut(());
    assert_eq!(cut(()), a);
    let snap = Snapshot::from_bytes(&a, &Default::default()).unwrap();
    assert!(snap.manifest.walk.truncated);
    assert_eq!(snap.manifest.walk.entries, 8_765);
}
