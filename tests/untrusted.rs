//! Untrusted snapshots through the real binary: every malformed file is refused with a specific message on
//! stderr, exit code 3, and nothing on stdout (no partial report). The container rules themselves are unit-tested
//! in `src/snapshot/archive.rs`; this file checks what a user sees. Also: the limits' `CLAWPRINT_LIMITS`
//! override, and the regression tests for what fuzzing found (`fuzz/`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clawprint::snapshot::{archive, FileEntry, FileKind, Snapshot};

const BIN: &str = env!("CARGO_BIN_EXE_clawprint");

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("CLAWPRINT_LIMITS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run clawprint")
}

fn example() -> Vec<u8> {
    std::fs::read(common::repo().join("snapshots/insecure.clawsnap")).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Every reading command refuses `file` with exit 3, prints nothing on stdout, and says `needle` on stderr.
fn assert_refused(file: &Path, needle: &str) {
    assert_refused_as(file, needle, needle)
}

/// [`assert_refused`], with what `diff` says: it takes a file without the zstd magic for a JSON report.
fn assert_refused_as(file: &Path, needle: &str, diff_needle: &str) {
    let f = file.to_str().unwrap();
    let good = common::repo().join("snapshots/hardened.clawsnap");
    let good = good.to_str().unwrap();
    for args in [
        vec!["verify", f],
        vec!["show", f],
        vec!["show", "--json", f],
        vec!["audit", f],
        vec!["audit", "--json", f],
        vec!["audit", "--sarif", f],
        vec!["diff", good, f],
        vec!["diff", "--json", f, good],
    ] {
        let out = run(&args, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        let needle = if args[0] == "diff" {
            diff_needle
        } else {
            needle
        };
        if args.contains(&"--json") {
            // JSON mode: stdout is only the error object (docs/json-output.md).
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{args:?}: stdout is not one JSON document: {e}"));
            assert_eq!(v["error"]["exitCode"], 3, "{args:?}: {v}");
            assert_eq!(v["error"]["code"], "integrity", "{args:?}: {v}");
            let message = v["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains(needle), "{args:?}: {v}");
        } else {
            assert!(
                out.stdout.is_empty(),
                "{args:?} printed on stdout: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        assert!(
            stderr.contains(needle),
            "{args:?}: expected {needle:?} in {stderr}"
        );
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    }
    // A fleet reports the bad file on its own line and exits 3 (the good one is still audited).
    let out = run(&["audit", "--jsonl", good, f], &[]);
    assert_eq!(out.status.code(), Some(3));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].get("findings").is_some());
    let err = lines[1]["error"].as_str().unwrap();
    assert!(err.contains(needle), "fleet: expected {needle:?} in {err}");
}

// ---- building malformed files --------------------------------------------------------------------------------

const BLOCK: usize = 512;

/// A canonical ustar header (what the writer produces), with `typeflag` and `linkname` settable.
fn header(name: &[u8], size: usize, typeflag: u8, linkname: &[u8]) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name);
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = typeflag;
    h[157..157 + linkname.len()].copy_from_slice(linkname);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

/// A tar of `(header, content)` parts, each padded, with the end-of-archive marker.
fn tar(parts: &[([u8; BLOCK], &[u8])]) -> Vec<u8> {
    let mut t = Vec::new();
    for (h, content) in parts {
        t.extend_from_slice(h);
        t.extend_from_slice(content);
        t.resize(t.len().div_ceil(BLOCK) * BLOCK, 0);
    }
    t.resize(t.len() + 2 * BLOCK, 0);
    t
}

/// A zstd frame as the writer makes it (content size and checksum on) around any bytes.
fn frame(bytes: &[u8]) -> Vec<u8> {
    let mut enc = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
    enc.include_checksum(true).unwrap();
    enc.include_contentsize(true).unwrap();
    enc.set_pledged_src_size(Some(bytes.len() as u64)).unwrap();
    std::io::Write::write_all(&mut enc, bytes).unwrap();
    enc.finish().unwrap()
}

fn untar(file: &[u8]) -> Vec<u8> {
    zstd::stream::decode_all(file).unwrap()
}

/// Offset of the first occurrence of `needle`.
fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

/// The example snapshot with one more file whose blob is incompressible noise (so its bytes appear verbatim in
/// the zstd frame, where a test can flip one).
fn with_noise_blob() -> (Vec<u8>, Vec<u8>) {
    let mut snap = Snapshot::from_bytes(&example(), &archive::Limits::default()).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let hash = Snapshot::add_blob(&mut snap.blobs, noise.clone());
    snap.manifest.files.push(FileEntry {
        path: "/zzz-noise".into(),
        kind: FileKind::File,
        mode: 0o600,
        blob: Some(hash),
        ..FileEntry::default()
    });
    (snap.to_bytes().unwrap(), noise)
}

// ---- the cases the issue lists ---------------------------------------------------------------------------------

#[test]
fn decompression_bomb_by_declared_size() {
    // One zstd frame of RLE blocks declaring 1 GiB of zeros: 33 KB on disk.
    let mut f = vec![0x28, 0xB5, 0x2F, 0xFD, 0b1100_0100, 7 << 3];
    f.extend_from_slice(&(1u64 << 30).to_le_bytes());
    for i in 0..8192u32 {
        let bh = u32::from(i == 8191) | (1 << 1) | ((128 * 1024) << 3);
        f.extend_from_slice(&bh.to_le_bytes()[..3]);
        f.push(0);
    }
    f.extend_from_slice(&[0; 4]);
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "bomb.clawsnap", &f);
    assert_refused(
        &p,
        "decompressed size exceeds the max_decompressed limit of 536870912 bytes",
    );
}

#[test]
fn decompression_bomb_in_one_entry() {
    // A tiny file whose tar header claims a 4 GiB manifest: refused from the header, nothing allocated.
    let mut t = header(b"manifest.json", 0, b'0', b"").to_vec();
    t[124..136].copy_from_slice(format!("{:011o}\0", 4u64 << 30).as_bytes());
    t[148..156].copy_from_slice(b"        ");
    let sum: u32 = t.iter().map(|&b| u32::from(b)).sum();
    t[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    t.resize(4 * BLOCK, 0);
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "entry-bomb.clawsnap", &frame(&t));
    assert_refused(
        &p,
        "size 4294967296 bytes exceeds the max_manifest_size limit",
    );
}

#[test]
fn truncated_file() {
    let bytes = example();
    let dir = tempfile::tempdir().unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 1] {
        let p = write(dir.path(), "cut.clawsnap", &bytes[..cut]);
        assert_refused(&p, "zstd frame is truncated");
    }
    let p = write(dir.path(), "empty.clawsnap", b"");
    assert_refused_as(
        &p,
        "snapshot file is empty",
        "not a snapshot and not a JSON report",
    );
}

#[test]
fn flipped_byte_in_a_blob() {
    let dir = tempfile::tempdir().unwrap();
    // In the file: the zstd content checksum catches it.
    let (mut bytes, noise) = with_noise_blob();
    let at = find(&bytes, &noise[2000..2064]) + 7;
    bytes[at] ^= 0x10;
    let p = write(dir.path(), "blob-flip.clawsnap", &bytes);
    assert_refused(&p, "zstd content checksum mismatch");
    // In the tar, re-framed with a valid checksum: the blob's BLAKE3 catches it.
    let (bytes, noise) = with_noise_blob();
    let mut t = untar(&bytes);
    let at = find(&t, &noise[..64]) + 100;
    t[at] ^= 0x10;
    let p = write(dir.path(), "blob-flip2.clawsnap", &frame(&t));
    let hash = blake3::hash(&noise).to_hex().to_string();
    assert_refused(&p, &format!("blob blobs/{hash}: content hash is"));
}

#[test]
fn flipped_byte_in_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let t = untar(&example());
    let m = find(&t, b"{\"config\":");
    // Structure: not JSON any more.
    let mut bad = t.clone();
    bad[m] = b'[';
    let p = write(dir.path(), "m1.clawsnap", &frame(&bad));
    assert_refused(&p, "manifest.json is not a valid manifest");
    // A key: refused by the schema (unknown fields are errors).
    let mut bad = t.clone();
    bad[m + 2] = b'C';
    let p = write(dir.path(), "m2.clawsnap", &frame(&bad));
    assert_refused(&p, "unknown field `Config`");
    // A blob reference: the manifest names a blob the file does not hold.
    let snap = Snapshot::from_bytes(&example(), &archive::Limits::default()).unwrap();
    let blob = snap.manifest.config.blob.clone().unwrap();
    let at = find(&t, format!("\"blob\":\"{blob}\"").as_bytes()) + 8;
    let mut bad = t.clone();
    bad[at] = if bad[at] == b'0' { b'1' } else { b'0' };
    let p = write(dir.path(), "m3.clawsnap", &frame(&bad));
    assert_refused(&p, "which the snapshot does not contain");
}

#[test]
fn flipped_byte_in_the_zstd_frame() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = example();
    let n = bytes.len();
    // The content checksum (last 4 bytes), the frame header descriptor, and compressed data.
    for (at, needle) in [
        (n - 2, "zstd content checksum mismatch"),
        (4, "zstd frame"),
        (n / 2, "zstd"),
    ] {
        let mut b = bytes.clone();
        b[at] ^= 0x01;
        let p = write(dir.path(), "z.clawsnap", &b);
        assert_refused(&p, needle);
    }
    // Not zstd at all.
    let p = write(dir.path(), "plain.clawsnap", &untar(&bytes));
    assert_refused_as(
        &p,
        "not a zstd-compressed snapshot",
        "not a snapshot and not a JSON report",
    );
}

#[test]
fn tar_with_dot_dot_names() {
    let dir = tempfile::tempdir().unwrap();
    let t = tar(&[(header(b"../../etc/cron.d/x", 2, b'0', b""), b"{}")]);
    let p = write(dir.path(), "dotdot.clawsnap", &frame(&t));
    assert_refused(&p, "invalid name: contains a `..` component");
    let t = tar(&[(header(b"blobs/../manifest.json", 2, b'0', b""), b"{}")]);
    let p = write(dir.path(), "dotdot2.clawsnap", &frame(&t));
    assert_refused(&p, "contains a `..` component");
}

#[test]
fn tar_with_absolute_names() {
    let dir = tempfile::tempdir().unwrap();
    let t = tar(&[(header(b"/etc/passwd", 2, b'0', b""), b"{}")]);
    let p = write(dir.path(), "abs.clawsnap", &frame(&t));
    assert_refused(&p, "\"/etc/passwd\": invalid name: absolute path");
}

#[test]
fn tar_with_links() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, what) in [(b'2', "symbolic link"), (b'1', "hard link")] {
        let t = tar(&[(header(b"manifest.json", 0, flag, b"/etc/shadow"), b"")]);
        let p = write(dir.path(), "link.clawsnap", &frame(&t));
        assert_refused(
            &p,
            &format!("entry \"manifest.json\": {what} (typeflag {flag:#04x}) is not allowed"),
        );
    }
}

#[test]
fn tar_with_duplicate_entries() {
    let dir = tempfile::tempdir().unwrap();
    let t = untar(&example());
    let m = find(&t, b"manifest.json\0");
    let end = find(&t, b"meta.json\0");
    // The manifest entry (header, content, padding) twice.
    let mut dup = t[..end].to_vec();
    dup.extend_from_slice(&t[m..end]);
    dup.extend_from_slice(&t[end..]);
    let p = write(dir.path(), "dup.clawsnap", &frame(&dup));
    assert_refused(&p, "entry \"manifest.json\" appears more than once");
}

#[test]
fn unknown_format_version() {
    let dir = tempfile::tempdir().unwrap();
    let t = untar(&example());
    let at = find(&t, b"\"format\":1");
    let mut bad = t.clone();
    bad[at + 9] = b'2';
    let p = write(dir.path(), "v2.clawsnap", &frame(&bad));
    assert_refused(
        &p,
        "manifest.json has format version 2; this clawprint reads version 1",
    );
}

#[test]
fn json_nested_too_deep() {
    // A manifest nested 200 levels deep (serde_json's limit is 128): refused, no stack overflow.
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let t = tar(&[(
        header(b"manifest.json", deep.len(), b'0', b""),
        deep.as_bytes(),
    )]);
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "deep.clawsnap", &frame(&t));
    assert_refused(&p, "recursion limit exceeded");
}

#[test]
fn not_a_regular_file_and_endless_input() {
    // /dev/zero has no end: the read stops at the max_compressed limit instead of filling memory.
    let out = run(
        &["verify", "/dev/zero"],
        &[("CLAWPRINT_LIMITS", "max_compressed=1MiB")],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_compressed"));
    let out = run(&["verify", "/nonexistent/x.clawsnap"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

// ---- configurable limits -----------------------------------------------------------------------------------------

#[test]
fn limits_can_be_lowered_and_raised_from_the_environment() {
    let good = common::repo().join("snapshots/insecure.clawsnap");
    let good = good.to_str().unwrap();
    let snap = Snapshot::from_bytes(&example(), &archive::Limits::default()).unwrap();
    let manifest_len = snap.manifest_bytes().len();
    for (setting, needle) in [
        (
            "max_compressed=100",
            "over the max_compressed limit of 100 bytes",
        ),
        (
            "max_decompressed=2KiB",
            "exceeds the max_decompressed limit of 2048 bytes",
        ),
        ("max_entries=1", "more than 1 entries (max_entries)"),
        (
            "max_entry_size=64",
            "exceeds the max_entry_size limit of 64 bytes",
        ),
        (
            "max_manifest_size=100",
            "exceeds the max_manifest_size limit of 100 bytes",
        ),
    ] {
        let out = run(&["verify", good], &[("CLAWPRINT_LIMITS", setting)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{setting}: {stderr}");
        assert!(out.stdout.is_empty());
        assert!(stderr.contains(needle), "{setting}: {stderr}");
    }
    // Raised (or exactly enough), the same file reads.
    let exact =
        format!("max_manifest_size={manifest_len}, max_entries=1000000,max_decompressed=1GiB");
    let out = run(&["verify", good], &[("CLAWPRINT_LIMITS", &exact)]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // Nonsense is a usage error that names the variable.
    for bad in [
        "max_everything=1",
        "max_entries",
        "max_entries=lots",
        "window_log_max=40",
    ] {
        let out = run(&["verify", good], &[("CLAWPRINT_LIMITS", bad)]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("CLAWPRINT_LIMITS"));
    }
}

// ---- fuzz seeds ------------------------------------------------------------------------------------------------

/// Regenerates the committed seed corpora of `fuzz/` (`fuzz/seeds/<target>/`) from the example snapshots, a few
/// conformance hosts, the JSON5 cross-check cases and the conformance configs:
/// `cargo test --test untrusted -- --ignored regenerate_fuzz_seeds`.
#[test]
#[ignore = "writes fuzz/seeds; run by hand"]
fn regenerate_fuzz_seeds() {
    use std::collections::BTreeSet;
    let seeds = common::repo().join("fuzz/seeds");
    let dir = |t: &str| {
        let d = seeds.join(t);
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    let (snap_dir, manifest_dir, config_dir) = (
        dir("snapshot_decode"),
        dir("manifest_parse"),
        dir("config_parse"),
    );
    // Snapshots: the examples and a few small conformance hosts with includes, databases, links.
    let mut snaps: Vec<(String, Vec<u8>)> = ["hardened", "insecure"]
        .iter()
        .map(|n| {
            let p = common::repo().join(format!("snapshots/{n}.clawsnap"));
            (n.to_string(), std::fs::read(p).unwrap())
        })
        .collect();
    let cases = common::cases("conformance/cases");
    for case in cases.iter().filter(|c| {
        let n = c.file_name().unwrap().to_string_lossy();
        [
            "21-config-symlink",
            "30-include-640",
            "30-include-outside-dir",
            "40-credentials-symlink",
            "60-log-file-symlink",
            "80-hostile-everything-fs",
            "97-gw-secretref-token-missing",
            "B2-refused-invalid-json5",
            "B5-refused-include-missing",
            "G20-elevated-disabled",
        ]
        .contains(&n.as_ref())
    }) {
        let home = common::lay_out(case);
        let snap = common::capture_home(home.path(), "seed", true);
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        snaps.push((name, snap.to_bytes().unwrap()));
    }
    for (name, bytes) in &snaps {
        write(&snap_dir, &format!("{name}.clawsnap"), bytes);
        // The tar stream alone (the target frames it itself).
        write(&snap_dir, &format!("{name}.tar"), &untar(bytes));
        let snap = Snapshot::from_bytes(bytes, &archive::Limits::default()).unwrap();
        // Manifest bytes, then each referenced blob in wiring order (config, includes, files), NUL-separated.
        let m = &snap.manifest;
        let mut seed = snap.manifest_bytes();
        for h in m
            .config
            .blob
            .iter()
            .chain(m.config.includes.iter().filter_map(|i| i.blob.as_ref()))
            .chain(m.files.iter().filter_map(|f| f.blob.as_ref()))
        {
            seed.push(0);
            seed.extend_from_slice(&snap.blobs[h]);
        }
        write(&manifest_dir, &format!("{name}.seed"), &seed);
    }
    // Config texts: the JSON5 cross-check inputs, then every distinct conformance config (root only).
    let cases_json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(common::repo().join("tests/data/json5/cases.json")).unwrap(),
    )
    .unwrap();
    for (i, c) in cases_json.as_array().unwrap().iter().enumerate() {
        write(
            &config_dir,
            &format!("json5-{i:03}"),
            c["input"].as_str().unwrap().as_bytes(),
        );
    }
    let mut seen = BTreeSet::new();
    for case in &cases {
        for rel in [".openclaw/openclaw.json", ".clawdbot/clawdbot.json"] {
            if let Ok(text) = std::fs::read(case.join("home").join(rel)) {
                if seen.insert(text.clone()) {
                    let name = case.file_name().unwrap().to_string_lossy().into_owned();
                    write(&config_dir, &format!("case-{name}"), &text);
                }
            }
        }
    }
    // Include graphs over the target's fixed names (see fuzz/fuzz_targets/config_parse.rs).
    let graphs: [(&str, &[&str]); 5] = [
        (
            "inc-merge",
            &[
                "{ $include: ['./a.json5', './b.json5'], gateway: { bind: 'loopback' } }",
                "{ gateway: { auth: { mode: 'token', token: '${TOKEN}' } }, list: [1] }",
                "// b\n{ list: [2], env: { vars: { X: 'y' } } }",
            ],
        ),
        (
            "inc-nested",
            &[
                "{ agents: { $include: './sub/c.json5' } }",
                "{}",
                "{}",
                "{ defaults: { $include: './d.json5', sandbox: { mode: 'all' } } }",
                "{ workspace: '~/w' }",
            ],
        ),
        (
            "inc-cycle",
            &["{ $include: './a.json5' }", "{ $include: './b.json5', k: 1 }", "{ $include: './a.json5' }"],
        ),
        (
            "inc-escape",
            &[
                "{ $include: ['../other/x.json5', './e.json', './missing.json5'] }",
                "",
                "",
                "",
                "",
                "{\"ok\": true}",
                "{ evil: true }",
            ],
        ),
        (
            "inc-bad",
            &[
                "{ $include: 42, a: { $include: [1, './a.json5'] }, b: { $include: './b.json5', c: 1 } }",
                "{ x: ,, }",
                "[1, 2]",
            ],
        ),
    ];
    for (name, files) in graphs {
        write(&config_dir, name, files.join("\0").as_bytes());
    }
    // A chain through every name (deeper than the include limit), each file nesting its include a few levels.
    let chain = [
        "a", "b", "sub/c", "sub/d", "e", "", "f", "g", "h", "i", "j", "k",
    ];
    let mut files = vec!["{ x: { y: { $include: './a.json5' } } }".to_string()];
    for (i, name) in chain.iter().enumerate() {
        let next = chain[i + 1..].iter().find(|n| !n.is_empty());
        files.push(match (name.is_empty(), next) {
            (true, _) => String::new(),
            (false, Some(n)) => {
                let up = if name.starts_with("sub/") {
                    "../"
                } else {
                    "./"
                };
                let ext = if *n == "e" { "json" } else { "json5" };
                format!("{{ l: [{{ $include: '{up}{n}.{ext}' }}] }}")
            }
            (false, None) => "{ leaf: true }".to_string(),
        });
    }
    write(&config_dir, "inc-chain", files.join("\0").as_bytes());
}
