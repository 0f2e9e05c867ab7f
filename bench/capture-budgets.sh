#!/usr/bin/env bash
# The capture budgets, measured on the CLI in one run, alternating, with medians and peak memory:
#   1. a 200,000-entry state tree: `clawprint capture -o FILE` and `clawprint audit --json` (capture in memory)
#      against `find <tree> -printf '%m %U %G %s %y %l %p\n'`, warm cache (budget: within 1.5x of find;
#      peak memory under 64 MiB);
#   2. a host with a 1 GiB state DB against the same host with an empty DB of the same schema (budget: within
#      10%).
#
#   usage: bench/capture-budgets.sh [RUNS]      (default 11 runs of each command, after one warm-up each)
#   env: CLAWPRINT (binary; default target/release/clawprint, built if missing), ENTRIES (default 200000),
#        DB_MIB (default 1024), HOSTS (where the generated hosts are kept, about 2 GiB; default /tmp/cpb: memory
#        grows with the length of the paths, and /tmp/cpb/t200000 is about as long as a real /home/<user>)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-11}"
entries="${ENTRIES:-200000}"; db_mib="${DB_MIB:-1024}"
hosts="${HOSTS:-/tmp/cpb}"
clawprint="${CLAWPRINT:-$repo/target/release/clawprint}"
(cd "$repo" && cargo build --release --locked --example hostgen >&2)
[ -x "$clawprint" ] || (cd "$repo" && cargo build --release --locked >&2)
gen="$repo/target/release/examples/hostgen"
mk() { # NAME ARGS...: lay a host out once
  local name="$1"; shift
  if [ ! -f "$hosts/$name.done" ]; then
    rm -rf "${hosts:?}/$name"; mkdir -p "$hosts/$name"
    "$gen" "$hosts/$name" "$@" >/dev/null
    touch "$hosts/$name.done"
  fi
  echo "$hosts/$name"
}
tree="$(mk "t$entries" --entries "$entries")"
db0="$(mk db0 --db-mib 0)"
dbn="$(mk "db$db_mib" --db-mib "$db_mib")"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT

echo "machine:   $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "clawprint: $clawprint"
python3 - "$runs" "$clawprint" "$tree" "$db0" "$dbn" "$out" "$db_mib" <<'PY'
import os, statistics, subprocess, sys, time
runs, cp, tree, db0, dbn, out, db_mib = int(sys.argv[1]), *sys.argv[2:]
def env_for(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCLAW_")}
    env["HOME"] = home
    return env
def run(cmd, home):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env_for(home), cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    return wall, ru.ru_utime, ru.ru_stime
def peak_mib(cmd, home):
    # Peak RSS from GNU time, in its own run (a forked Python child would count Python's pages too).
    r = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], env=env_for(home), cwd=home,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(r.stderr.strip().splitlines()[-1]) / 1024
def measure(cases):
    res = {name: [] for name, _, _ in cases}
    for name, cmd, home in cases:   # warm-up (and the page cache)
        run(cmd, home)
    for i in range(runs):
        order = cases if i % 2 == 0 else list(reversed(cases))
        for name, cmd, home in order:
            res[name].append(run(cmd, home))
    med = {}
    for name, rs in res.items():
        walls = sorted(r[0] * 1000 for r in rs)
        med[name] = statistics.median(walls)
        home = next(h for n, _, h in cases if n == name)
        cmd = next(c for n, c, _ in cases if n == name)
        print(f"  {name:32} median {med[name]:7.1f} ms (min {walls[0]:7.1f}, max {walls[-1]:7.1f})  "
              f"user {statistics.median(r[1] for r in rs)*1000:4.0f} ms  sys {statistics.median(r[2] for r in rs)*1000:4.0f} ms  "
              f"peak RSS {peak_mib(cmd, home):5.1f} MiB")
    return med
state = os.path.join(tree, ".openclaw")
n = int(subprocess.run(["bash", "-c", f"find {state} | wc -l"], capture_output=True, text=True).stdout)
print(f"1. state tree of {n} entries ({runs} alternating runs each)")
m = measure([
    ("find -printf", ["find", state, "-printf", "%m %U %G %s %y %l %p\\n"], tree),
    ("clawprint capture -o FILE", [cp, "capture", "--entry-limit", "10000000", "-o", os.path.join(out, "t.clawsnap")], tree),
    ("clawprint audit --json (live)", [cp, "audit", "--json", "--entry-limit", "10000000"], tree),
])
for k in ("clawprint capture -o FILE", "clawprint audit --json (live)"):
    r = m[k] / m["find -printf"]
    print(f"  {k}: {r:.2f}x find (budget <= 1.5x) -> {'OK' if r <= 1.5 else 'MISSED'}")
print(f"2. state DB: empty vs {db_mib} MiB of rows, same schema ({runs} alternating runs each)")
m = measure([
    ("capture, empty DB", [cp, "capture", "-o", os.path.join(out, "a.clawsnap")], db0),
    (f"capture, {db_mib} MiB DB", [cp, "capture", "-o", os.path.join(out, "b.clawsnap")], dbn),
])
r = m[f"capture, {db_mib} MiB DB"] / m["capture, empty DB"]
print(f"  {db_mib} MiB DB / empty DB: {r:.3f} (budget <= 1.10) -> {'OK' if r <= 1.10 else 'MISSED'}")
PY
