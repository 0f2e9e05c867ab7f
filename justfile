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

# Criterion benches (see benches/)
bench:
    cargo bench --locked

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

# Full CI locally
ci:
    bash .ci/run

# Regenerate the case table of tests/conformance/cases/README.md from each case.md
cases-table:
    scripts/cases-table.py
