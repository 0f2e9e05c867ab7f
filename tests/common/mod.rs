//! Shared by the integration tests: lay a host case out in a temp dir and capture it.
//!
//! A case is a folder with `home/` (copied as the HOME; symlinks kept) and an optional `modes` file of
//! `MODE PATH` lines applied after copying, exactly as `../shared/peer/run-case.sh` does for the reference.
#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use clawprint::audit::Report;
use clawprint::capture::{self, CaptureOptions, HostSpec};
use clawprint::snapshot::Snapshot;

/// The home path recorded for laid-out hosts, so captures do not depend on the temp dir's name.
pub const HOME_ALIAS: &str = "/home/user";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    let mut names: Vec<_> = fs::read_dir(from)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in names {
        let (src, dst) = (from.join(&name), to.join(&name));
        let meta = fs::symlink_metadata(&src).unwrap();
        if meta.file_type().is_symlink() {
            symlink(fs::read_link(&src).unwrap(), &dst).unwrap();
        } else if meta.is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Lay a case out; returns the temp dir that is its HOME.
pub fn lay_out(case: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&case.join("home"), tmp.path());
    // `.gitkeep` files only exist to keep empty dirs in git.
    remove_gitkeeps(tmp.path());
    if let Ok(modes) = fs::read_to_string(case.join("modes")) {
        for line in modes.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (mode, path) = line.split_once(char::is_whitespace).unwrap();
            let mode = u32::from_str_radix(mode, 8).unwrap();
            let p = tmp.path().join(path.trim());
            if fs::symlink_metadata(&p).is_ok_and(|m| !m.file_type().is_symlink()) {
                fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
            }
        }
    }
    tmp
}

fn remove_gitkeeps(dir: &Path) {
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        if t.is_dir() {
            remove_gitkeeps(&e.path());
        } else if e.file_name() == ".gitkeep" {
            fs::remove_file(e.path()).unwrap();
        }
    }
}

pub fn options(label: &str, redact: bool) -> CaptureOptions {
    CaptureOptions {
        redact,
        home_alias: Some(HOME_ALIAS.into()),
        owner_alias: Some((1000, 1000)),
        label: label.into(),
        ..CaptureOptions::default()
    }
}

pub fn capture_home(home: &Path, label: &str, redact: bool) -> Snapshot {
    capture::capture(&HostSpec::for_home(home), &options(label, redact)).unwrap()
}

/// `severity checkId` lines, sorted: the reference's `findings.py` reduction.
pub fn reduced(report: &Report) -> Vec<String> {
    let mut lines: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.severity.as_str(), f.check_id))
        .collect();
    lines.sort();
    lines
}

/// Every case folder under `tests/<dir>/`, sorted.
pub fn cases(dir: &str) -> Vec<PathBuf> {
    let root = repo().join("tests").join(dir);
    let mut out: Vec<PathBuf> = fs::read_dir(&root)
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| p.join("home").is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// `(checkId, severity, fingerprint)` of every finding, in report order, then of every suppressed one: what
/// "the same audit" means when a redacted snapshot is compared with a raw capture.
pub fn outcome(r: &Report) -> Vec<(String, String, String)> {
    let (f, s) = r.fingerprints();
    r.findings
        .iter()
        .chain(r.suppressed.iter().map(|s| &s.finding))
        .zip(f.into_iter().chain(s))
        .map(|(x, fp)| (x.check_id.clone(), x.severity.as_str().to_string(), fp))
        .collect()
}

/// Does `needle` occur in `hay` (snapshot bytes, compressed or not)?
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
