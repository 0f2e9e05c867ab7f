//! Shared by the benches: the host generator, where generated hosts are kept, and the switches for the big
//! cases.
//!
//! Environment:
//! - `CLAWPRINT_BENCH_BIG=1`: also run the big cases (capture of a 200,000-entry tree, a 1 GiB state DB, the
//!   largest points of the scaling curves). Off by default so `cargo bench` stays short.
//! - `CLAWPRINT_BENCH_DB_MIB=N`: size of the "big" state DB in MiB (default 1024 with BIG, else 64).
//! - `CLAWPRINT_BENCH_FILES=N`: entries of the "big" tree (default 200000).
//! - `CLAWPRINT_BENCH_CACHE=DIR`: where generated hosts are laid out once and kept between runs (default
//!   `$CARGO_TARGET_TMPDIR/hosts`; the big ones take about 1 GiB of disk each).
#![allow(dead_code)]

pub mod hostgen;

use std::path::{Path, PathBuf};

use clawprint::capture::{self, CaptureOptions, HostSpec};
use clawprint::snapshot::Snapshot;

pub use hostgen::Shape;

pub fn big() -> bool {
    std::env::var("CLAWPRINT_BENCH_BIG").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
}

pub fn big_db_mib() -> u64 {
    env_u64("CLAWPRINT_BENCH_DB_MIB").unwrap_or(if big() { 1024 } else { 64 })
}

pub fn big_tree_entries() -> usize {
    env_u64("CLAWPRINT_BENCH_FILES").unwrap_or(200_000) as usize
}

pub fn cache_dir() -> PathBuf {
    std::env::var_os("CLAWPRINT_BENCH_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hosts"))
}

/// A generated host, laid out once per shape and kept in [`cache_dir`]. Returns the HOME.
pub fn host(name: &str, shape: &Shape) -> PathBuf {
    hostgen::cached(&cache_dir(), name, shape)
}

/// Capture options as the tests use them: home aliased, owner aliased, no entry limit in the way.
pub fn options() -> CaptureOptions {
    CaptureOptions {
        entry_limit: 10_000_000,
        home_alias: Some("/home/user".into()),
        owner_alias: Some((1000, 1000)),
        label: "bench".into(),
        ..CaptureOptions::default()
    }
}

pub fn capture(home: &Path) -> Snapshot {
    capture::capture(&HostSpec::for_home(home), &options()).expect("capture")
}

/// The committed example snapshot `snapshots/<name>` (bytes).
pub fn example(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/snapshots/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}
