# clawprint recipes: `just --list`

default: test

# Build the release binary
build:
    cargo build --release --locked

# Install the binary into ~/.cargo/bin (or ROOT/bin)
install ROOT="":
    cargo install --path . --locked {{ if ROOT != "" { "--root " + ROOT } else { "" } }}

# The README's test command: every unit, integration and conformance test
test:
    cargo test --locked

# Formatting and lints, as CI runs them
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets --locked -- -D warnings

# Format the code
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

# Regenerate generated docs, JSON Schemas and example snapshots after an intended change
bless:
    CLAWPRINT_BLESS=1 cargo test --locked --test docs --test examples --test schemas

# Regenerate docs/schemas/*.schema.json from the Rust types
schemas:
    CLAWPRINT_BLESS=1 cargo test --locked --test schemas

# Regenerate docs/checks.md
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

# Release checks (new version, dated CHANGELOG entry, clean tree), then `dist`.
release: release-check dist

# Refuse a version that is already tagged, lacks a dated CHANGELOG.md entry, or has uncommitted changes
release-check:
    #!/usr/bin/env bash
    set -euo pipefail
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
    if git rev-parse -q --verify "refs/tags/v$version" >/dev/null; then
        echo "v$version is already tagged: bump the version in Cargo.toml" >&2; exit 1
    fi
    if ! grep -q "^## \[$version\] - [0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}" CHANGELOG.md; then
        echo "CHANGELOG.md needs a dated entry '## [$version] - YYYY-MM-DD'" >&2; exit 1
    fi
    if [ -n "$(git status --porcelain)" ]; then
        echo "the work tree has uncommitted changes" >&2; exit 1
    fi

# Pack binary, completions, man pages, README and CHANGELOG into target/dist/*.tar.gz with a sha256
dist:
    #!/usr/bin/env bash
    set -euo pipefail
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
    cargo build --release --locked
    bin=target/release/clawprint
    [ "$("$bin" --version)" = "clawprint $version" ] || { echo "the binary is not version $version" >&2; exit 1; }
    name="clawprint-$version-$(rustc -vV | sed -n 's/^host: //p')"
    stage="target/dist/$name"
    rm -rf "$stage" "$stage.tar.gz" "$stage.tar.gz.sha256"
    mkdir -p "$stage/completions" "$stage/man"
    cp "$bin" README.md CHANGELOG.md "$stage/"
    "$bin" completions bash > "$stage/completions/clawprint.bash"
    "$bin" completions zsh > "$stage/completions/_clawprint"
    "$bin" completions fish > "$stage/completions/clawprint.fish"
    "$bin" completions elvish > "$stage/completions/clawprint.elv"
    "$bin" completions powershell > "$stage/completions/_clawprint.ps1"
    "$bin" man --dir "$stage/man" > /dev/null
    # Same inputs, same tarball: sorted names, fixed owner and times (the last commit's).
    mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
    tar -C target/dist --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -cf - "$name" \
        | gzip -n > "$stage.tar.gz"
    (cd target/dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
    cat "$stage.tar.gz.sha256"

# Nix: build the package and run its checks (needs Nix with flakes)
nix-check:
    nix flake check -L
