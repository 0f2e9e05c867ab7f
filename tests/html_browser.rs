//! The HTML reports in a real browser: headless Chromium renders the insecure example's audit and the
//! insecure → hardened diff from a temp dir; the screenshot must be a real, non-blank PNG of the window size,
//! and the DOM Chromium builds must hold every checkId and the severity sections. Skipped (with a message) when
//! Chromium is not installed: `/usr/bin/chromium`, or the program named by $CLAWPRINT_CHROMIUM.
//! `CLAWPRINT_SCREENSHOTS=DIR` keeps the screenshots (how docs/img/report.png and diff.png are made).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use clawprint::audit;
use clawprint::diff::{self, Input};
use clawprint::report::{self, AuditDoc, DiffDoc};
use clawprint::snapshot::{archive::Limits, Snapshot};

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 1600;

fn chromium() -> Option<PathBuf> {
    let p = std::env::var_os("CLAWPRINT_CHROMIUM")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    p.exists().then_some(p)
}

fn example(name: &str) -> Snapshot {
    let bytes = std::fs::read(common::repo().join("snapshots").join(name)).unwrap();
    Snapshot::from_bytes(&bytes, &Limits::default()).unwrap()
}

/// Chromium headless, offline and without a profile of its own, on `page` with `extra` arguments.
fn run_chromium(exe: &Path, profile: &Path, page: &Path, extra: &[String]) -> std::process::Output {
    Command::new(exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

/// Width and height from a PNG's signature and IHDR chunk (checked by hand: no image crate for a test).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 33,
        "a PNG has at least a signature and an IHDR"
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    assert_eq!(be(8), 13, "IHDR length");
    (be(16), be(20))
}

/// Render `html` to a screenshot and a DOM dump; returns (png bytes, dom).
fn render(exe: &Path, dir: &Path, name: &str, html: &str) -> (Vec<u8>, String) {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html).unwrap();
    let png = dir.join(format!("{name}.png"));
    let shot = run_chromium(
        exe,
        &dir.join("profile"),
        &page,
        &[format!("--screenshot={}", png.display())],
    );
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let dom = run_chromium(exe, &dir.join("profile"), &page, &["--dump-dom".into()]);
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    if let Some(keep) = std::env::var_os("CLAWPRINT_SCREENSHOTS") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&png, Path::new(&keep).join(format!("{name}.png"))).unwrap();
    }
    (bytes, String::from_utf8(dom.stdout).unwrap())
}

fn assert_not_blank(png: &[u8]) {
    assert_eq!(png_size(png), (WIDTH, HEIGHT));
    // A blank (one-colour) page of this size compresses to a few KB; a page of text and colour does not.
    assert!(
        png.len() > 40_000,
        "screenshot looks blank: {} bytes",
        png.len()
    );
    let mut seen = [false; 256];
    for b in &png[33..] {
        seen[*b as usize] = true;
    }
    assert!(
        seen.iter().filter(|s| **s).count() > 200,
        "too few distinct bytes"
    );
}

#[test]
fn audit_and_diff_render_in_chromium() {
    let Some(exe) = chromium() else {
        eprintln!(
            "skipped: chromium not installed (looked for $CLAWPRINT_CHROMIUM, /usr/bin/chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();

    let snap = example("insecure.clawsnap");
    let rep = audit::audit(&snap);
    let plan = clawprint::fix::plan(&snap);
    let doc = AuditDoc::new(&snap, Some("insecure.clawsnap"), &rep, Some(&plan));
    let (png, dom) = render(&exe, dir.path(), "report", &report::html::audit(&doc));
    assert_not_blank(&png);
    for f in &rep.findings {
        assert!(dom.contains(&f.check_id), "DOM lacks {}", f.check_id);
    }
    for id in ["critical", "warn", "info", "fix-plan"] {
        assert!(
            dom.contains(&format!("<section id=\"{id}\"")),
            "DOM lacks section {id}"
        );
    }
    assert!(dom.contains("clawprint security audit"));

    let old = Input::from_snapshot(example("insecure.clawsnap"), "insecure.clawsnap");
    let new = Input::from_snapshot(example("hardened.clawsnap"), "hardened.clawsnap");
    let d = diff::diff(&old, &new);
    let ddoc = DiffDoc {
        diff: &d,
        home: Some(snap.manifest.host.home.clone()),
    };
    let (png, dom) = render(&exe, dir.path(), "diff", &report::html::diff(&ddoc));
    assert_not_blank(&png);
    for i in &d.resolved {
        assert!(dom.contains(&i.check_id), "DOM lacks {}", i.check_id);
    }
    assert!(dom.contains("<section id=\"resolved\""));
    assert!(dom.contains("<section id=\"host-changes\""));
}
