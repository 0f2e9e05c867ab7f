//! The offline stages on one typical snapshot: encode (deterministic, budget < 5 ms), decode + verify, audit of
//! a decoded snapshot, the whole offline audit (decode + verify + audit, budget < 1 ms), diff of two snapshots
//! and the fix plan. The typical host is the generator's (`Shape::typical`: two channels with two accounts,
//! two agents, includes, a plugin, skills, loose modes); the committed `snapshots/insecure.clawsnap` runs too.

mod support;

use std::hint::black_box;

use clawprint::audit::audit;
use clawprint::diff::{diff, Input};
use clawprint::fix::plan;
use clawprint::snapshot::{archive::Limits, Snapshot};
use criterion::{criterion_group, criterion_main, Criterion};
use support::Shape;

fn typical() -> (Snapshot, Vec<u8>) {
    let home = support::host("typical", &Shape::typical());
    let snap = support::capture(&home);
    let bytes = snap.to_bytes().unwrap();
    (snap, bytes)
}

/// The typical host after an operator tightened it: no world-readable config, credentials dir closed.
fn tightened() -> Snapshot {
    let shape = Shape {
        insecure: false,
        ..Shape::typical()
    };
    support::capture(&support::host("typical-strict", &shape))
}

fn bench(c: &mut Criterion) {
    let (snap, bytes) = typical();
    assert_eq!(snap.to_bytes().unwrap(), bytes, "encode is deterministic");
    eprintln!(
        "typical snapshot: {} bytes, {} files",
        bytes.len(),
        snap.manifest.files.len()
    );
    let insecure = support::example("insecure.clawsnap");
    let limits = Limits::default();

    let mut g = c.benchmark_group("snapshot");
    g.bench_function("encode", |b| {
        b.iter(|| black_box(&snap).to_bytes().unwrap())
    });
    g.bench_function("decode_verify", |b| {
        b.iter(|| Snapshot::from_bytes(black_box(&bytes), &limits).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("audit");
    g.bench_function("decoded", |b| b.iter(|| audit(black_box(&snap))));
    g.bench_function("offline_typical", |b| {
        b.iter(|| audit(&Snapshot::from_bytes(black_box(&bytes), &limits).unwrap()))
    });
    g.bench_function("offline_insecure_example", |b| {
        b.iter(|| audit(&Snapshot::from_bytes(black_box(&insecure), &limits).unwrap()))
    });
    g.finish();

    let after = tightened();
    let mut g = c.benchmark_group("diff");
    // What `clawprint diff a.clawsnap b.clawsnap` does after decoding: audit both sides, match, explain.
    g.bench_function("two_snapshots", |b| {
        b.iter(|| {
            let old = Input::from_snapshot(black_box(snap.clone()), "before");
            let new = Input::from_snapshot(black_box(after.clone()), "after");
            diff(&old, &new)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("fix");
    g.bench_function("plan", |b| b.iter(|| plan(black_box(&snap))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
