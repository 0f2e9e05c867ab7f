# clawprint recipes: `just --list`

default: test

# Build the release binary
build:
    cargo build --release --locked

# The README's test command: every unit, integration and conformance test
test:
    cargo test --locked

# Formatting and lints, as CI runs them
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets --locked -- -D warnings

fmt:
    cargo fmt --all

# Criterion benches (see benches/; short cases only: `just bench-big` adds the 200,000-entry tree and 1 GiB DB)
bench *ARGS:
    cargo bench --locked {{ARGS}}

# The benches with the big cases (needs ~2 GiB of disk under target/tmp/hosts; CLAWPRINT_BENCH_DB_MIB,
# CLAWPRINT_BENCH_FILES and CLAWPRINT_BENCH_CACHE tune them, see benches/support/mod.rs)
bench-big *ARGS:
    CLAWPRINT_BENCH_BIG=1 cargo bench --locked {{ARGS}}

# Budgets measured on the CLI: live audit vs the reference (needs ../shared/peer), capture vs find, DB size
bench-compare:
    bench/compare-reference.sh

bench-budgets:
    bench/capture-budgets.sh

# Audit the embedded insecure example
demo:
    cargo run --release --locked -- audit snapshots/insecure.clawsnap

# Regenerate golden data from the real reference CLI (needs Node from the npm registry; see ../shared/peer)
golden *CASES:
    scripts/golden.sh {{CASES}}

# Regenerate generated docs and example snapshots after an intended change
bless:
    CLAWPRINT_BLESS=1 cargo test --locked --test docs --test examples

docs:
    CLAWPRINT_BLESS=1 cargo test --locked --test docs

# Fuzz each target (snapshot_decode, manifest_parse, config_parse) for SECS seconds, one after another, on one core.
# Needs nightly and `cargo install cargo-fuzz`; corpus in fuzz/corpus/, crashes in fuzz/artifacts/ (README).
fuzz SECS="60":
    #!/usr/bin/env bash
    set -euo pipefail
    for t in snapshot_decode manifest_parse config_parse; do
        mkdir -p fuzz/corpus/$t fuzz/artifacts/$t
        echo "== fuzz $t ({{SECS}} s)"
        cargo +nightly fuzz run --sanitizer none $t fuzz/corpus/$t fuzz/seeds/$t -- \
            -max_total_time={{SECS}} -rss_limit_mb=2048 -timeout=20 -artifact_prefix=fuzz/artifacts/$t/
    done

# Full CI locally
ci:
    bash .ci/run

# Regenerate the case table of tests/conformance/cases/README.md from each case.md
cases-table:
    scripts/cases-table.py
