//! Snapshot decoding: `Snapshot::from_bytes` on arbitrary bytes, then the audit and every report of whatever it
//! accepts. An input that starts with the zstd magic is used as the `.clawsnap` file itself; any other input is
//! taken as the tar stream and wrapped in a valid zstd frame first, so the tar and content layers get fuzzed too.
#![no_main]

use clawprint::snapshot::{archive::Limits, Snapshot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = if data.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        data.to_vec()
    } else {
        clawprint_fuzz::frame(data)
    };
    for limits in [Limits::default(), clawprint_fuzz::small_limits()] {
        if let Ok(snap) = Snapshot::from_bytes(&file, &limits) {
            // Accepted input must round-trip to the same bytes (the container is canonical) when it was the file.
            let again = snap.to_bytes().expect("a decoded snapshot re-encodes");
            let back =
                Snapshot::from_bytes(&again, &limits).expect("a re-encoded snapshot decodes");
            assert_eq!(back, snap);
            clawprint_fuzz::exercise(&snap);
        }
    }
});
