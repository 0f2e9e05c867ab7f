//! Helpers shared by the fuzz targets: what "opening" an untrusted snapshot means end to end, and the input
//! layouts the targets use. Every target must never panic, abort or run away on any input.

use std::collections::BTreeMap;

use clawprint::audit;
use clawprint::diff;
use clawprint::fix;
use clawprint::report::{self, Style};
use clawprint::snapshot::{archive, Manifest, Meta, Snapshot, FORMAT_VERSION};
use zstd::zstd_safe::{CCtx, CParameter};

/// Split a fuzz input into NUL-separated chunks (neither JSON nor JSON5 texts can hold a raw NUL that matters).
pub fn chunks(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == 0).collect()
}

/// Everything the CLI does with a snapshot it has verified: audit it, plan its fixes and render every report
/// form (text in both colours, Markdown, HTML, JSON, SARIF, the change set's review).
pub fn exercise(snap: &Snapshot) {
    let r = audit::audit(snap);
    let _ = r.fingerprints();
    let plan = fix::plan(snap);
    let _ = plan.to_bytes();
    let doc = report::AuditDoc::new(snap, Some("fuzz.clawsnap"), &r, Some(&plan));
    for st in [Style::PLAIN, Style::new(true)] {
        let _ = report::text::render(&doc, st);
    }
    let _ = report::markdown::audit(&doc);
    let _ = report::html::audit(&doc);
    let _ = report::json::render(&r, 0);
    let _ = report::sarif::audit(&r, snap);
    let _ = report::text::show(snap);
    // `clawprint diff` against an empty host, both ways: finding and host changes, rendered.
    let this = diff::Input::from_snapshot(snap.clone(), "fuzz");
    let empty = diff::Input::from_snapshot(empty_snapshot(), "empty");
    for (old, new) in [(&empty, &this), (&this, &empty)] {
        let d = diff::diff(old, new);
        let doc = report::DiffDoc {
            diff: &d,
            home: Some(snap.manifest.host.home.clone()),
        };
        let _ = report::diff::render(&doc, Style::new(true));
        let _ = report::markdown::diff(&doc);
        let _ = report::html::diff(&doc);
        let _ = report::sarif::diff(&d, old, new);
        let _ = serde_json::to_string(&d);
    }
}

fn empty_snapshot() -> Snapshot {
    Snapshot {
        manifest: Manifest {
            format: FORMAT_VERSION,
            ..Manifest::default()
        },
        blobs: BTreeMap::new(),
        meta: Meta::default(),
    }
}

/// A zstd frame as the snapshot writer makes it (checksum and content size on), around arbitrary bytes: lets the
/// fuzzer reach the tar and content layers, which a flipped byte in a real frame never does (checksum).
pub fn frame(tar: &[u8]) -> Vec<u8> {
    let mut cctx = CCtx::create();
    let _ = cctx.set_parameter(CParameter::CompressionLevel(1));
    let _ = cctx.set_parameter(CParameter::ChecksumFlag(true));
    let _ = cctx.set_parameter(CParameter::ContentSizeFlag(true));
    let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(tar.len()));
    cctx.compress2(&mut out, tar).expect("compress");
    out
}

/// Limits small enough that a fuzz input can hit each of them.
pub fn small_limits() -> archive::Limits {
    archive::Limits {
        max_compressed: 1 << 20,
        max_decompressed: 4 << 20,
        max_entries: 64,
        max_entry_size: 1 << 20,
        max_manifest_size: 1 << 20,
        window_log_max: 20,
    }
}

/// Make a schema-valid manifest structurally valid (current format, files sorted and unique) and give every blob
/// reference the content of the next chunk (by position: config, includes, files), renaming it to that content's
/// hash. The result is a snapshot `Snapshot::from_bytes` accepts whatever the fuzzer wrote, so the audit and the
/// reports see arbitrary manifests and arbitrary config texts.
pub fn wire(mut m: Manifest, blobs: &[&[u8]]) -> Snapshot {
    m.format = FORMAT_VERSION;
    m.files.sort_by(|a, b| a.path.cmp(&b.path));
    m.files.dedup_by(|a, b| a.path == b.path);
    let mut store = BTreeMap::new();
    let mut next = blobs.iter();
    let mut assign = |slot: &mut Option<String>| {
        if slot.is_some() {
            let bytes = next.next().map(|b| b.to_vec()).unwrap_or_default();
            *slot = Some(Snapshot::add_blob(&mut store, bytes));
        }
    };
    assign(&mut m.config.blob);
    for inc in &mut m.config.includes {
        assign(&mut inc.blob);
    }
    for f in &mut m.files {
        assign(&mut f.blob);
    }
    Snapshot {
        manifest: m,
        blobs: store,
        meta: Meta::default(),
    }
}

/// The inverse of [`wire`] for seeds: manifest bytes, then each referenced blob in wiring order, NUL-separated.
pub fn unwire(snap: &Snapshot) -> Vec<u8> {
    let mut out = snap.manifest_bytes();
    let m = &snap.manifest;
    let refs = m
        .config
        .blob
        .iter()
        .chain(m.config.includes.iter().filter_map(|i| i.blob.as_ref()))
        .chain(m.files.iter().filter_map(|f| f.blob.as_ref()));
    for h in refs {
        out.push(0);
        out.extend_from_slice(snap.blobs.get(h).map(Vec::as_slice).unwrap_or_default());
    }
    out
}
