//! Bad hosts: hosts laid out in temp dirs with broken, hostile or odd files, captured with `clawprint::capture`.
//! Each must capture without blocking or failing, record what went wrong as a diagnostic (shown as a note by the
//! audit), and still be audited.
//!
//! Permission tests need a non-root user (root reads files whatever their mode): as root they check only what
//! root can observe and say so on stderr; `.ci/run` runs the whole suite again as a non-root user (README,
//! "Development").

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use clawprint::audit::{audit, Report};
use clawprint::capture::{self, CaptureOptions, HostSpec, INCLUDE_MAX_BYTES};
use clawprint::snapshot::{archive, FileKind, Snapshot};

/// A host: a temp HOME with `~/.openclaw/openclaw.json`.
struct Host {
    tmp: tempfile::TempDir,
}

impl Host {
    fn new(config: &str) -> Host {
        let h = Host {
            tmp: tempfile::tempdir().unwrap(),
        };
        fs::create_dir(h.state()).unwrap();
        fs::set_permissions(h.state(), fs::Permissions::from_mode(0o700)).unwrap();
        h.write(".openclaw/openclaw.json", config);
        h
    }

    fn home(&self) -> &Path {
        self.tmp.path()
    }

    fn state(&self) -> PathBuf {
        self.home().join(".openclaw")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.home().join(rel)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        p
    }

    fn capture_with(&self, opts: CaptureOptions) -> Snapshot {
        let spec = HostSpec::for_home(self.home());
        // Never block: a capture that does not finish in time fails the test.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(capture::capture(&spec, &opts));
        });
        let snap = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("capture blocked (over 60 s)")
            .expect("capture succeeds");
        // Whatever the host, the snapshot is valid: it encodes, decodes and verifies.
        let bytes = snap.to_bytes().unwrap();
        let back = Snapshot::from_bytes(&bytes, &archive::Limits::default()).unwrap();
        assert_eq!(back, snap);
        snap
    }

    /// Identities kept: the tests look entries up by their real paths.
    fn capture(&self) -> Snapshot {
        self.capture_with(CaptureOptions {
            keep_identities: true,
            ..CaptureOptions::default()
        })
    }
}

fn diags<'a>(snap: &'a Snapshot, code: &str) -> Vec<&'a clawprint::snapshot::Diagnostic> {
    snap.manifest
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .collect()
}

/// The audit's notes, one string each (`path: message`).
fn notes(r: &Report) -> Vec<String> {
    r.notes
        .iter()
        .map(|n| format!("{}: {}", n.path, n.message))
        .collect()
}

fn has_note(r: &Report, needle: &str) -> bool {
    notes(r).iter().any(|n| n.contains(needle))
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail and touches no memory.
    unsafe { libc::geteuid() == 0 }
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o600) },
        0,
        "mkfifo {p:?}"
    );
}

// ---------------------------------------------------------------------------------------------------------------

#[test]
fn malformed_json5_names_file_line_col_with_a_caret() {
    let h = Host::new("{\n  gateway: {\n    bind: 'lan',,\n  },\n}\n");
    let snap = h.capture();
    let cfg = h.path(".openclaw/openclaw.json");
    let d = diags(&snap, "config.parse");
    assert_eq!(d.len(), 1, "{:?}", snap.manifest.diagnostics);
    let msg = &d[0].message;
    assert!(
        msg.contains(&format!("{}:3:17: ", cfg.display())),
        "file:line:col in {msg}"
    );
    // The offending line (words masked) and a caret under column 17.
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines.len(), 3, "{msg}");
    assert_eq!(lines[1], "  |     xxxx: 'xxx',,");
    assert_eq!(lines[2], format!("  | {}^", " ".repeat(16)));
    // The audit goes on, and says why OpenClaw would refuse the config.
    let r = audit(&snap);
    assert!(has_note(&r, ":3:17: "), "{:?}", notes(&r));
    assert!(!r.findings.is_empty());
}

#[test]
fn malformed_json5_never_echoes_a_secret() {
    // An unquoted secret is an identifier the parser complains about; neither the message nor the quoted line
    // may carry it into the snapshot.
    let h = Host::new("{ gateway: { auth: { token: hunter2SuperSecretValue } } }");
    let snap = h.capture();
    let d = diags(&snap, "config.parse");
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains(":1:29: "), "{}", d[0].message);
    let bytes = snap.to_bytes().unwrap();
    let raw = zstd::stream::decode_all(&bytes[..]).unwrap();
    assert!(
        !String::from_utf8_lossy(&raw).contains("hunter2"),
        "secret in {}",
        d[0].message
    );
    // The same for an include that does not parse.
    let h = Host::new("{ $include: './inc.json5' }");
    h.write(
        ".openclaw/inc.json5",
        "{\n  token: 'abc' 'hunter2Secret'\n}",
    );
    let snap = h.capture();
    let inc = &snap.manifest.config.includes[0];
    let err = inc.error.as_deref().unwrap();
    assert!(err.contains("include file does not parse: "), "{err}");
    assert!(err.contains("inc.json5:2:16: "), "{err}");
    assert!(
        err.ends_with(&format!("\n  | {}^", " ".repeat(15))),
        "{err}"
    );
    let raw = zstd::stream::decode_all(&snap.to_bytes().unwrap()[..]).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains("hunter2"));
    assert!(has_note(&audit(&snap), "include file does not parse"));
}

#[test]
fn include_cycle() {
    let h = Host::new("{ $include: './a.json5' }");
    h.write(".openclaw/a.json5", "{ $include: './b.json5', a: 1 }");
    h.write(".openclaw/b.json5", "{ $include: './a.json5', b: 2 }");
    let snap = h.capture();
    let paths: Vec<&str> = snap
        .manifest
        .config
        .includes
        .iter()
        .map(|i| i.path.as_str())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    let r = audit(&snap);
    assert!(has_note(&r, "circular $include"), "{:?}", notes(&r));
    assert!(has_note(&r, "a.json5 -> "), "{:?}", notes(&r));
}

#[test]
fn include_escaping_the_allowed_roots() {
    let h = Host::new("{ $include: ['../outside.json5', './link.json5'] }");
    h.write("outside.json5", "{ gateway: { bind: 'lan' } }");
    symlink(h.path("outside.json5"), h.path(".openclaw/link.json5")).unwrap();
    let snap = h.capture();
    let incs = &snap.manifest.config.includes;
    assert_eq!(incs.len(), 2);
    assert!(
        incs[0]
            .error
            .as_deref()
            .unwrap()
            .contains("escapes the config directory"),
        "{incs:?}"
    );
    assert!(
        incs[1]
            .error
            .as_deref()
            .unwrap()
            .contains("resolves outside the allowed roots through a symlink"),
        "{incs:?}"
    );
    assert_eq!(diags(&snap, "include.refused").len(), 2);
    let r = audit(&snap);
    assert!(has_note(&r, "escapes the config directory"));
    // The refused content is not merged.
    assert!(!notes(&r).is_empty());
}

#[test]
fn include_depth_over_the_limit() {
    // openclaw.json → i1 → … → i12: the loader stops after 10 levels.
    let h = Host::new("{ $include: './i1.json5' }");
    for i in 1..=12 {
        h.write(
            &format!(".openclaw/i{i}.json5"),
            &format!("{{ $include: './i{}.json5', k{i}: {i} }}", i + 1),
        );
    }
    h.write(".openclaw/i13.json5", "{}");
    let snap = h.capture();
    let r = audit(&snap);
    assert!(
        has_note(&r, "$include nesting deeper than 10 levels"),
        "{:?}",
        notes(&r)
    );
}

#[test]
fn include_over_two_mib() {
    let h = Host::new("{ $include: './big.json5' }");
    let big = format!("{{ a: '{}' }}", "x".repeat(INCLUDE_MAX_BYTES as usize));
    h.write(".openclaw/big.json5", &big);
    let snap = h.capture();
    let inc = &snap.manifest.config.includes[0];
    assert!(inc.blob.is_none(), "the over-limit file is not read");
    let err = inc.error.as_deref().unwrap();
    assert!(err.contains("over the 2 MiB limit"), "{err}");
    assert!(has_note(&audit(&snap), "over the 2 MiB limit"));
}

#[test]
fn config_that_is_a_directory() {
    let h = Host::new("{}");
    let cfg = h.path(".openclaw/openclaw.json");
    fs::remove_file(&cfg).unwrap();
    fs::create_dir(&cfg).unwrap();
    let snap = h.capture();
    let d = diags(&snap, "config.unreadable");
    assert_eq!(d.len(), 1, "{:?}", snap.manifest.diagnostics);
    assert!(d[0].message.contains("not a regular file (dir)"), "{d:?}");
    let e = snap.file(&cfg.to_string_lossy()).unwrap();
    assert_eq!(e.kind, FileKind::Dir);
    let r = audit(&snap);
    assert!(has_note(&r, "not a regular file (dir)"));
}

#[test]
fn fifos_where_files_are_expected_do_not_block() {
    // Every file capture reads, as a FIFO with no writer: opening one for reading without O_NONBLOCK would block
    // forever.
    let h = Host::new("{}");
    let cfg = h.path(".openclaw/openclaw.json");
    fs::remove_file(&cfg).unwrap();
    mkfifo(&cfg);
    fs::create_dir_all(h.path(".openclaw/credentials")).unwrap();
    fs::create_dir_all(h.path(".openclaw/state")).unwrap();
    fs::create_dir_all(h.path(".openclaw/plugins")).unwrap();
    for rel in [
        ".openclaw/.env",
        ".openclaw/credentials/telegram-allowFrom.json",
        ".openclaw/exec-approvals.json",
        ".openclaw/plugins/installs.json",
        ".openclaw/state/openclaw.sqlite",
    ] {
        mkfifo(&h.path(rel));
    }
    let snap = h.capture();
    let d = diags(&snap, "config.unreadable");
    assert!(d[0].message.contains("not a regular file (fifo)"), "{d:?}");
    assert_eq!(
        snap.file(&h.path(".openclaw/state/openclaw.sqlite").to_string_lossy())
            .unwrap()
            .kind,
        FileKind::Fifo
    );
    // Includes, too (the config is a FIFO above, so a second host).
    let h = Host::new("{ $include: './fifo.json5' }");
    mkfifo(&h.path(".openclaw/fifo.json5"));
    let snap = h.capture();
    let err = snap.manifest.config.includes[0].error.as_deref().unwrap();
    assert!(err.contains("not a regular file (fifo)"), "{err}");
    audit(&snap);
}

#[test]
fn unreadable_files_are_diagnostics_and_the_audit_goes_on() {
    let h = Host::new("{ $include: './inc.json5' }");
    h.write(".openclaw/inc.json5", "{}");
    h.write(".openclaw/credentials/telegram-allowFrom.json", "{}");
    fs::create_dir_all(h.path(".openclaw/agents/secret")).unwrap();
    h.write(".openclaw/agents/secret/x", "");
    for (rel, mode) in [
        (".openclaw/inc.json5", 0o000),
        (".openclaw/credentials/telegram-allowFrom.json", 0o000),
        (".openclaw/agents/secret", 0o000),
    ] {
        fs::set_permissions(h.path(rel), fs::Permissions::from_mode(mode)).unwrap();
    }
    let snap = h.capture();
    let r = audit(&snap);
    // Metadata is recorded whatever the read permission.
    let inc = snap
        .file(&h.path(".openclaw/inc.json5").to_string_lossy())
        .unwrap();
    assert_eq!(inc.mode, 0);
    assert!(!r.findings.is_empty());
    if is_root() {
        eprintln!(
            "note: running as root, which reads mode-000 files: the EACCES assertions of this test are skipped \
             (`.ci/run` runs the suite again as a non-root user)"
        );
        return;
    }
    let err = snap.manifest.config.includes[0].error.as_deref().unwrap();
    assert!(err.contains("Permission denied"), "{err}");
    let d = diags(&snap, "content.unreadable");
    assert!(
        d.iter().any(|d| d.path.ends_with("telegram-allowFrom.json")
            && d.message.contains("Permission denied")),
        "{:?}",
        snap.manifest.diagnostics
    );
    let d = diags(&snap, "readdir.failed");
    assert!(
        d.iter().any(|d| d.path.ends_with("agents/secret")),
        "{:?}",
        snap.manifest.diagnostics
    );
    assert!(has_note(&r, "Permission denied"), "{:?}", notes(&r));
    // The unreadable config itself.
    let h = Host::new("{}");
    let cfg = h.path(".openclaw/openclaw.json");
    fs::set_permissions(&cfg, fs::Permissions::from_mode(0o000)).unwrap();
    let snap = h.capture();
    let d = diags(&snap, "config.unreadable");
    assert!(d[0].message.contains("Permission denied"), "{d:?}");
    let r = audit(&snap);
    assert!(has_note(&r, "Permission denied"));
}

#[test]
fn symlink_loops() {
    let h = Host::new("{}");
    let cfg = h.path(".openclaw/openclaw.json");
    fs::remove_file(&cfg).unwrap();
    symlink("openclaw.json", &cfg).unwrap();
    symlink("loop-b", h.path(".openclaw/loop-a")).unwrap();
    symlink("loop-a", h.path(".openclaw/loop-b")).unwrap();
    symlink(".", h.path(".openclaw/self")).unwrap();
    let snap = h.capture();
    let d = diags(&snap, "config.unreadable");
    assert!(
        d[0].message.contains("Too many levels of symbolic links"),
        "{d:?}"
    );
    for link in ["loop-a", "loop-b", "openclaw.json"] {
        let e = snap
            .file(&h.path(&format!(".openclaw/{link}")).to_string_lossy())
            .unwrap();
        assert_eq!(e.kind, FileKind::Symlink);
        let resolved = e.resolved.as_ref().unwrap();
        assert_eq!(resolved.kind, None, "{link}: a loop resolves to nothing");
        assert_eq!(resolved.realpath, None);
    }
    // A link to a directory above is recorded, never walked through.
    let e = snap
        .file(&h.path(".openclaw/self").to_string_lossy())
        .unwrap();
    assert_eq!(e.resolved.as_ref().unwrap().kind, Some(FileKind::Dir));
    assert!(snap.manifest.walk.entries < 10);
    // An include through a loop.
    let h = Host::new("{ $include: './l.json5' }");
    symlink("l.json5", h.path(".openclaw/l.json5")).unwrap();
    let snap = h.capture();
    let err = snap.manifest.config.includes[0].error.as_deref().unwrap();
    assert!(err.contains("Too many levels of symbolic links"), "{err}");
    audit(&snap);
}

#[test]
fn state_tree_over_the_entry_limit_is_marked_truncated() {
    let h = Host::new("{}");
    for i in 0..30 {
        h.write(&format!(".openclaw/agents/a{i:02}"), "");
    }
    let snap = h.capture_with(CaptureOptions {
        entry_limit: 10,
        ..CaptureOptions::default()
    });
    let w = &snap.manifest.walk;
    assert!(w.truncated);
    assert_eq!((w.limit, w.entries), (10, 10));
    assert_eq!(diags(&snap, "walk.truncated").len(), 1);
    let r = audit(&snap);
    assert!(has_note(&r, "more than 10 entries"), "{:?}", notes(&r));
    // At the limit exactly: not truncated.
    let snap = h.capture_with(CaptureOptions {
        entry_limit: 33,
        ..CaptureOptions::default()
    });
    assert!(!snap.manifest.walk.truncated, "{:?}", snap.manifest.walk);
    assert_eq!(snap.manifest.walk.entries, 33);
}

#[test]
fn non_utf8_file_names_are_recorded_faithfully() {
    use std::os::unix::ffi::OsStrExt;
    let h = Host::new("{}");
    // Two names a lossy conversion would merge into one ("bad\u{FFFD}.json").
    for b in [0xFFu8, 0xFE] {
        let name = [b'b', b'a', b'd', b, b'.', b'j'];
        fs::write(h.state().join(std::ffi::OsStr::from_bytes(&name)), "").unwrap();
    }
    // A truncated multi-byte sequence inside a directory name, with a file below it.
    let dir = h.state().join(std::ffi::OsStr::from_bytes(b"dir-\xE2\x82"));
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("ok.txt"), "").unwrap();
    let snap = h.capture();
    let state = h.state().to_string_lossy().into_owned();
    for want in [
        format!("{state}/bad\u{FFFD}ff.j"),
        format!("{state}/bad\u{FFFD}fe.j"),
        format!("{state}/dir-\u{FFFD}e2\u{FFFD}82"),
        format!("{state}/dir-\u{FFFD}e2\u{FFFD}82/ok.txt"),
    ] {
        assert!(
            snap.file(&want).is_some(),
            "{want} in {:?}",
            snap.manifest
                .files
                .iter()
                .map(|f| &f.path)
                .collect::<Vec<_>>()
        );
    }
    // Each escaped path is marked.
    let marked: Vec<&str> = diags(&snap, "path.not_utf8")
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(marked.len(), 4, "{marked:?}");
    assert!(marked.iter().all(|p| p.contains('\u{FFFD}')));
    audit(&snap);
}

#[test]
fn locked_sqlite_database() {
    let h = Host::new("{}");
    let db = h.path(".openclaw/state/openclaw.sqlite");
    fs::create_dir_all(db.parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    // An exclusive lock held by another connection for the whole capture (as a busy gateway would).
    conn.execute_batch("BEGIN EXCLUSIVE; INSERT INTO t VALUES (2);")
        .unwrap();
    let snap = h.capture();
    let e = snap
        .manifest
        .databases
        .iter()
        .find(|d| d.path.ends_with("state/openclaw.sqlite"))
        .expect("the database is recorded");
    assert!(e.facts.header.is_some());
    assert!(
        e.facts.schema.iter().any(|o| o.name == "t"),
        "schema read despite the lock: {:?}",
        e.facts
    );
    conn.execute_batch("ROLLBACK").unwrap();
    audit(&snap);
}

#[test]
fn corrupt_sqlite_database() {
    let h = Host::new("{}");
    let db = h.path(".openclaw/state/openclaw.sqlite");
    fs::create_dir_all(db.parent().unwrap()).unwrap();
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    // Keep the 100-byte header, overwrite every page after it with garbage.
    let mut bytes = fs::read(&db).unwrap();
    for (i, b) in bytes.iter_mut().enumerate().skip(100) {
        *b = (i * 31 % 251) as u8;
    }
    fs::write(&db, &bytes).unwrap();
    // And a second database that is not SQLite at all.
    h.write(".openclaw/state/other.db", "definitely not a database");
    let snap = h.capture();
    let dbs = &snap.manifest.databases;
    assert_eq!(dbs.len(), 2, "{dbs:?}");
    for d in dbs {
        assert!(!d.facts.diagnostics.is_empty(), "{d:?}");
    }
    let r = audit(&snap);
    assert!(!r.findings.is_empty());
}

#[test]
fn deep_json_through_an_include_chain() {
    // Ten includes, each nesting its value 120 levels deep under the previous one: the resolved config is
    // ~1,200 levels deep although each file is within the JSON5 parser's depth limit (128). Capture and audit
    // run on the default 2 MiB test thread here (fleet workers have the same stack).
    let deep = |inner: &str| format!("{}{inner}{}", "{ a: ".repeat(120), " }".repeat(120));
    let h = Host::new(&deep("{ $include: './i1.json5' }"));
    for i in 1..=10 {
        h.write(
            &format!(".openclaw/i{i}.json5"),
            &deep(&format!("{{ $include: './i{}.json5' }}", i + 1)),
        );
    }
    h.write(".openclaw/i11.json5", "{ gateway: { bind: 'lan' } }");
    let snap = h.capture();
    let r = audit(&snap);
    assert!(
        has_note(&r, "config nests deeper than 256 levels"),
        "{:?}",
        notes(&r)
    );
}

#[test]
fn include_errors_do_not_reveal_the_real_home_with_an_alias() {
    // `--home-alias` records paths under the home dir with another prefix; the loader's messages name the config
    // dir and realpaths, which must be aliased too (they used to carry the real home, so the same layout captured
    // in two places gave two different snapshots).
    let h = Host::new("{ $include: ['../outside.json5', './link.json5'] }");
    h.write("outside.json5", "{}");
    symlink(h.path("outside.json5"), h.path(".openclaw/link.json5")).unwrap();
    let snap = h.capture_with(CaptureOptions {
        home_alias: Some("/home/user".into()),
        ..CaptureOptions::default()
    });
    let raw = zstd::stream::decode_all(&snap.to_bytes().unwrap()[..]).unwrap();
    let home = h.home().to_string_lossy().into_owned();
    assert!(
        !String::from_utf8_lossy(&raw).contains(&home),
        "{:?}",
        snap.manifest.config.includes
    );
    let err = snap.manifest.config.includes[0].error.as_deref().unwrap();
    assert!(err.contains("(/home/user/.openclaw)"), "{err}");
}
