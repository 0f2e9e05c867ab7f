#!/usr/bin/env bash
# Regenerates what the reference's `openclaw security audit --fix --json` (release 2026.5.20) does to each host case
# in tests/conformance/cases/, through the shared peer scripts, as golden data for clawprint's fix planner.
#
#   scripts/golden-fix.sh [CASE_DIR...]      default: every tests/conformance/cases/*/ that has a home/
#
# For each case it lays home/ out as a throw-away HOME (applying `modes`), runs
# `openclaw security audit --fix --json` there (working directory = HOME) and writes
# `reference.fix.json`, the fix result reduced to what the reference decided, with the throw-away HOME
# replaced by "~" (2-space indent):
#   ok, configWritten, changes, errors   as the reference printed them;
#   actions    [{path, mode, outcome}]  outcome = "ok" (chmodded), a `skipped` reason, or "error";
#   report     ["severity checkId", ...] of the embedded report, in its order (pre-fix config, post-fix modes);
#   modesAfter ["MODE TYPE PATH", ...]   every path of the case's home/ after the fix (octal mode, find's %y type),
#              sorted; paths the reference created (logs/, *.bak) are left out.
# A case whose config the reference refuses (no output) gets the single line REFUSED.
# Prints one line per case: its name and the number of changes and chmods, or REFUSED.
set -euo pipefail

# shellcheck source=scripts/golden-common.sh
. "$(dirname "$0")/golden-common.sh"
golden_init golden-fix.sh

raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT

run_case() {
  local case_dir="$1"
  # Output: the HOME, the fix report, a separator, then every path under HOME after the fix.
  "$peer/run-case.sh" "$case_dir" bash -c '
    printf "%s\n" "$HOME"
    "$0" security audit --fix --json || true
    printf "\n@@MODES@@\n"
    cd "$HOME" && find . -mindepth 1 -printf "%m %y %P\n"' "$peer/openclaw" >"$raw"
  python3 - "$raw" "$case_dir" <<'PY'
import json, os, sys

raw_path, case_dir = sys.argv[1:3]
with open(raw_path, encoding="utf-8") as fh:
    home, _, rest = fh.read().partition("\n")
body, _, listing = rest.partition("\n@@MODES@@\n")
name = os.path.basename(case_dir.rstrip("/"))
out_path = os.path.join(case_dir, "reference.fix.json")
if not body.strip():
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write("REFUSED\n")
    print(f"{name} REFUSED")
    sys.exit(0)
doc = json.loads(body)
homes = sorted({home, os.path.realpath(home)}, key=len, reverse=True)

def norm(v):
    if isinstance(v, str):
        for h in homes:
            v = v.replace(h, "~")
        return v
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return v

fix = doc.get("fix")
if fix is None:
    reduced = {"fix": None}
else:
    def outcome(a):
        if a.get("ok"):
            return "ok"
        if "skipped" in a:
            return a["skipped"]
        return "error"
    reduced = {
        "ok": fix["ok"],
        "configWritten": fix["configWritten"],
        "changes": norm(fix["changes"]),
        "errors": norm(fix["errors"]),
        "actions": [
            {"path": norm(a["path"]), "mode": a["mode"], "outcome": outcome(a)}
            for a in fix["actions"]
        ],
    }
report = doc.get("report", doc)
reduced["report"] = [f"{f['severity']} {f['checkId']}" for f in report["findings"]]

# Paths of the case as laid out (home/ minus .gitkeep files), to leave out what the reference created.
src = os.path.join(case_dir, "home")
known = set()
for root, dirs, files in os.walk(src):
    for n in dirs + files:
        rel = os.path.relpath(os.path.join(root, n), src)
        if n != ".gitkeep":
            known.add(rel)
after = []
for line in listing.splitlines():
    if not line.strip():
        continue
    mode, kind, path = line.split(" ", 2)
    if path in known:
        after.append(f"{int(mode, 8):03o} {kind} {path}")
reduced["modesAfter"] = sorted(after, key=lambda l: l.split(" ", 2)[2])
with open(out_path, "w", encoding="utf-8") as fh:
    fh.write(json.dumps(reduced, indent=2, ensure_ascii=False) + "\n")
if fix is None:
    print(f"{name} fix=null")
else:
    chmods = sum(1 for a in fix["actions"] if a.get("ok"))
    print(f"{name} changes={len(fix['changes'])} chmods={chmods} written={fix['configWritten']} errors={len(fix['errors'])}")
PY
}

golden_each golden-fix.sh run_case "$@"
