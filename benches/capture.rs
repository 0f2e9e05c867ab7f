//! Capture benches: a typical host, a 10,000-entry state tree, a state DB of filler vs an empty DB of the same
//! schema, and (with `CLAWPRINT_BENCH_BIG=1`) a 200,000-entry tree and a 1 GiB DB. Each tree size also runs
//! `find <tree> -printf '%m %U %G %s %y %l %p\n'`, the disk walk capture cannot avoid (budget: capture within
//! 1.5x of it, warm cache). `capture` is the in-memory capture `clawprint audit` does on a live host;
//! `capture_encode` adds the snapshot file encoding `clawprint capture` does. See `benches/support/mod.rs` for
//! the environment variables. `find` runs as a process (about 1.3 ms of spawning): compare on the big trees; the
//! process-level budget measurement is `bench/capture-budgets.sh`.

mod support;

use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use support::Shape;

fn find(tree: &Path) {
    let ok = Command::new("find")
        .arg(tree)
        .args(["-printf", "%m %U %G %s %y %l %p\\n"])
        .stdout(Stdio::null())
        .status()
        .expect("find")
        .success();
    assert!(ok);
}

fn trees(c: &mut Criterion) {
    let mut sizes = vec![
        ("small", Shape::typical()),
        ("10k", Shape::with_entries(10_000)),
    ];
    if support::big() {
        let n = support::big_tree_entries();
        sizes.push(("big", Shape::with_entries(n)));
    }
    let mut g = c.benchmark_group("capture_tree");
    g.warm_up_time(Duration::from_secs(1));
    for (name, shape) in sizes {
        let entries = shape.entry_count();
        let home = support::host(&format!("tree-{entries}"), &shape);
        let state = home.join(".openclaw");
        if entries > 50_000 {
            g.sample_size(10);
            g.measurement_time(Duration::from_secs(20));
        }
        g.throughput(Throughput::Elements(entries as u64));
        let id = format!("{name}-{entries}");
        // Warm the cache and check the capture saw the whole tree.
        let snap = support::capture(&home);
        assert!(!snap.manifest.walk.truncated);
        assert_eq!(snap.manifest.walk.entries as usize, entries);
        g.bench_function(BenchmarkId::new("find", &id), |b| b.iter(|| find(&state)));
        // Like the CLI, which exits without freeing: the snapshot's drop is not timed, and `capture_encode`
        // encodes as `clawprint capture` does (freeing the file list before the archive is built).
        g.bench_function(BenchmarkId::new("capture", &id), |b| {
            b.iter_with_large_drop(|| support::capture(black_box(&home)))
        });
        g.bench_function(BenchmarkId::new("capture_encode", &id), |b| {
            b.iter(|| support::capture(black_box(&home)).into_encoded().unwrap())
        });
    }
    g.finish();
}

/// The same host with an empty state DB (schema and audit facts only) and with `big_db_mib` MiB of filler rows:
/// capture reads the header, `sqlite_master` and a few small tables, so its time must not depend on the size.
fn state_db(c: &mut Criterion) {
    let mib = support::big_db_mib();
    let empty = Shape {
        db_bytes: Some(0),
        ..Shape::typical()
    };
    let full = Shape {
        db_bytes: Some(mib * 1024 * 1024),
        ..Shape::typical()
    };
    let empty_home = support::host("db-empty", &empty);
    let full_home = support::host(&format!("db-{mib}mib"), &full);
    let (a, b) = (support::capture(&empty_home), support::capture(&full_home));
    assert_eq!(a.manifest.databases.len(), 1);
    assert!(a.manifest.databases[0].facts.state.is_some());
    assert_eq!(
        a.manifest.databases[0].facts.schema,
        b.manifest.databases[0].facts.schema
    );
    let mut g = c.benchmark_group("capture_state_db");
    g.warm_up_time(Duration::from_secs(1));
    g.bench_function("empty", |bch| {
        bch.iter_with_large_drop(|| support::capture(black_box(&empty_home)))
    });
    g.bench_function(format!("{mib}MiB"), |bch| {
        bch.iter_with_large_drop(|| support::capture(black_box(&full_home)))
    });
    g.finish();
}

criterion_group!(benches, trees, state_db);
criterion_main!(benches);
