//! Manifest parsing: the input is `manifest.json` bytes, then NUL-separated blob contents.
//!
//! 1. The reader's path on exactly those bytes (as the only entry of an otherwise valid container): schema,
//!    version, canonical form, sort order, blob references.
//! 2. Whatever parses as a `Manifest` is made structurally valid, its blob references wired to the chunks
//!    (see `clawprint_fuzz::wire`), re-read through `Snapshot::from_bytes`, audited and rendered: the audit of a
//!    hostile manifest and hostile config texts must never panic.
#![no_main]

use clawprint::snapshot::{archive, canonical, Manifest, Snapshot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let chunks = clawprint_fuzz::chunks(data);
    let manifest_bytes = chunks[0];
    let mut entries = archive::Entries::new();
    entries.insert(archive::MANIFEST_NAME.into(), manifest_bytes.to_vec());
    let limits = archive::Limits::default();
    if let Ok(file) = archive::encode(&entries) {
        if let Ok(snap) = Snapshot::from_bytes(&file, &limits) {
            assert_eq!(canonical::to_vec(&snap.manifest), manifest_bytes);
            clawprint_fuzz::exercise(&snap);
        }
    }
    if let Ok(m) = serde_json::from_slice::<Manifest>(manifest_bytes) {
        let snap = clawprint_fuzz::wire(m, &chunks[1..]);
        let file = snap.to_bytes().expect("a wired snapshot encodes");
        let back = Snapshot::from_bytes(&file, &limits).expect("a wired snapshot decodes");
        assert_eq!(back.id(), snap.id());
        clawprint_fuzz::exercise(&back);
    }
});
