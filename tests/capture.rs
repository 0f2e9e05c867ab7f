//! Capture properties on real directories: reproducible bytes, nothing written on the host, no secret byte in
//! the snapshot, and the same findings with and without redaction.

mod common;

use common::contains;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use clawprint::audit::audit;

/// Everything a capture could change: the file list, contents, modes, owners and mtimes.
fn fingerprint(root: &Path) -> BTreeMap<String, (u32, u32, i64, i64, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let m = fs::symlink_metadata(&p).unwrap();
            let content = if m.file_type().is_file() {
                fs::read(&p).unwrap()
            } else {
                Vec::new()
            };
            if m.is_dir() {
                stack.push(p.clone());
            }
            out.insert(
                p.to_string_lossy().into_owned(),
                (m.mode(), m.uid(), m.mtime(), m.mtime_nsec(), content),
            );
        }
    }
    let m = fs::metadata(root).unwrap();
    out.insert(
        String::from("."),
        (m.mode(), m.uid(), m.mtime(), m.mtime_nsec(), Vec::new()),
    );
    out
}

#[test]
fn capturing_twice_gives_identical_bytes_and_writes_nothing() {
    for host in common::cases("conformance/hosts") {
        let home = common::lay_out(&host);
        let before = fingerprint(home.path());
        let a = common::capture_home(home.path(), "x", true)
            .to_bytes()
            .unwrap();
        let b = common::capture_home(home.path(), "x", true)
            .to_bytes()
            .unwrap();
        assert_eq!(a, b, "{}", host.display());
        assert_eq!(
            before,
            fingerprint(home.path()),
            "capture changed the host {}",
            host.display()
        );
    }
}

#[test]
fn no_secret_survives_and_findings_are_unchanged() {
    let host = common::repo().join("tests/conformance/hosts/insecure");
    let home = common::lay_out(&host);
    let redacted = common::capture_home(home.path(), "x", true);
    let raw = common::capture_home(home.path(), "x", false);
    let bytes = redacted.to_bytes().unwrap();
    let mut plain = Vec::new();
    for b in redacted.blobs.values() {
        plain.extend(b);
    }
    plain.extend(redacted.manifest_bytes());
    for secret in [
        "changeme-gw-token-01",
        "AAH-example-not-a-real-bot-token-xyz",
    ] {
        assert!(
            !contains(&plain, secret.as_bytes()),
            "{secret} in snapshot content"
        );
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "{secret} in snapshot file"
        );
    }
    assert!(redacted.manifest.redaction.secrets >= 2);
    assert_eq!(audit(&redacted).findings, audit(&raw).findings);
}
