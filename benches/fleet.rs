//! Fleet audit throughput: decode + verify + audit + JSON line of one typical snapshot, on one core. The budget
//! (issue 5) is at least 1,000 snapshots per second per core; `clawprint audit DIR` runs one such worker per core.
//!
//! The fleet is generated from the two committed example hosts: each variant edits the config (bind, a comment)
//! so every snapshot has its own id and blobs, as a real fleet would.

use std::collections::BTreeMap;
use std::hint::black_box;

use clawprint::cli::fleet::audit_one;
use clawprint::snapshot::{archive, Snapshot};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn base(name: &str) -> Snapshot {
    let path = format!("{}/snapshots/{name}", env!("CARGO_MANIFEST_DIR"));
    Snapshot::from_bytes(&std::fs::read(path).unwrap(), &archive::Limits::default()).unwrap()
}

/// `n` distinct, valid snapshot files (bytes), alternating insecure and hardened hosts.
pub fn fleet(n: usize) -> Vec<Vec<u8>> {
    let bases = [base("insecure.clawsnap"), base("hardened.clawsnap")];
    (0..n)
        .map(|i| {
            let mut s = bases[i % 2].clone();
            let old = s.manifest.config.blob.clone().unwrap();
            let mut text = s.blob_text(&old).unwrap().to_string();
            text.push_str(&format!("\n// host {i}\n"));
            if i % 3 == 0 {
                text = text.replace("\"lan\"", "\"loopback\"");
            }
            let mut blobs: BTreeMap<String, Vec<u8>> = s.blobs.clone();
            if !s
                .manifest
                .config
                .includes
                .iter()
                .any(|x| x.blob.as_deref() == Some(&old))
                && !s
                    .manifest
                    .files
                    .iter()
                    .any(|f| f.blob.as_deref() == Some(&old))
            {
                blobs.remove(&old);
            }
            let new = Snapshot::add_blob(&mut blobs, text.into_bytes());
            s.manifest.config.blob = Some(new);
            s.blobs = blobs;
            s.to_bytes().unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let files = fleet(200);
    let mut g = c.benchmark_group("fleet");
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("audit_200_snapshots_one_core", |b| {
        b.iter(|| {
            for (i, f) in files.iter().enumerate() {
                let o = audit_one(black_box(&format!("host-{i}.clawsnap")), black_box(f));
                assert!(!o.error);
                black_box(o.line);
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
