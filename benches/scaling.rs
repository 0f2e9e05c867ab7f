//! Scaling curves for docs/scaling.md: how capture and the offline audit grow with the state tree's entries,
//! the include depth, channels x accounts and the state DB's size. A few points each, 10 samples a point; the
//! largest points need `CLAWPRINT_BENCH_BIG=1`. Each point prints its snapshot size to stderr.

mod support;

use std::hint::black_box;
use std::time::Duration;

use clawprint::audit::audit;
use clawprint::snapshot::{archive::Limits, Snapshot};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use support::Shape;

fn point(
    g: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    param: String,
    shape: &Shape,
) {
    let home = support::host(&format!("scale-{name}-{param}"), shape);
    let snap = support::capture(&home);
    assert!(!snap.manifest.walk.truncated);
    let bytes = snap.to_bytes().unwrap();
    let report = audit(&snap);
    eprintln!(
        "{name}={param}: {} entries, {} files in snapshot, {} bytes, {} findings, {} notes",
        snap.manifest.walk.entries,
        snap.manifest.files.len(),
        bytes.len(),
        report.findings.len(),
        report.notes.len()
    );
    g.bench_function(BenchmarkId::new("capture", &param), |b| {
        b.iter_with_large_drop(|| support::capture(black_box(&home)))
    });
    g.bench_function(BenchmarkId::new("encode", &param), |b| {
        b.iter(|| black_box(&snap).to_bytes().unwrap())
    });
    let limits = Limits::default();
    g.bench_function(BenchmarkId::new("offline_audit", &param), |b| {
        b.iter(|| audit(&Snapshot::from_bytes(black_box(&bytes), &limits).unwrap()))
    });
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(format!("scaling_{name}"));
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    g
}

fn files(c: &mut Criterion) {
    let mut points = vec![1_000, 5_000, 20_000];
    if support::big() {
        points.extend([50_000, 100_000, 200_000]);
    }
    let mut g = group(c, "files");
    for n in points {
        point(&mut g, "files", n.to_string(), &Shape::with_entries(n));
    }
    g.finish();
}

fn include_depth(c: &mut Criterion) {
    let mut g = group(c, "include_depth");
    for d in [0, 3, 6, 9] {
        let shape = Shape {
            include_depth: d,
            ..Shape::typical()
        };
        point(&mut g, "include_depth", d.to_string(), &shape);
    }
    g.finish();
}

fn channels_accounts(c: &mut Criterion) {
    let mut points = vec![(1, 1), (4, 4), (8, 8), (8, 32)];
    if support::big() {
        points.push((8, 128));
    }
    let mut g = group(c, "channels_accounts");
    for (ch, acc) in points {
        let shape = Shape {
            channels: ch,
            accounts: acc,
            ..Shape::typical()
        };
        point(&mut g, "channels_accounts", format!("{ch}x{acc}"), &shape);
    }
    g.finish();
}

fn db_size(c: &mut Criterion) {
    let mut points = vec![0, 16, 64];
    if support::big() {
        points.extend([256, 1024]);
    }
    let mut g = group(c, "db_mib");
    for mib in points {
        let shape = Shape {
            db_bytes: Some(mib * 1024 * 1024),
            ..Shape::typical()
        };
        point(&mut g, "db_mib", mib.to_string(), &shape);
    }
    g.finish();
}

criterion_group!(benches, files, include_depth, channels_accounts, db_size);
criterion_main!(benches);
