#!/usr/bin/env bash
# Regenerates the reference outputs of the host cases in tests/conformance/cases/ from the real OpenClaw CLI
# (release 2026.5.20, the parity target), through the shared peer scripts.
#
#   scripts/golden.sh [CASE_DIR...]      default: every tests/conformance/cases/*/ that has a home/
#
# For each case it lays home/ out as a throw-away HOME (applying `modes`), runs
# `openclaw security audit --json` there with the working directory = HOME, and (re)writes:
#   reference.txt   sorted "severity checkId" lines (peer/findings.py), or the single line REFUSED
#                   when the reference prints no report (config refused);
#   reference.json  the raw report, "ts" set to 0, the throw-away HOME path replaced by "~",
#                   pretty-printed with 2 spaces (removed when REFUSED);
#   reference.stderr.txt  only when REFUSED: the reference's config-invalid message on stderr (from the
#                   "OpenClaw config is invalid" line on; its `Problem:` lines name the offending config
#                   paths), the throw-away HOME path replaced by "~" (removed when not REFUSED).
# Prints one line per case: its name and the number of findings, or REFUSED.
#
# The peer scripts are looked up in $CLAWPRINT_PEER_SCRIPTS, else <repo>/../shared/peer. On a fresh
# machine the first run installs the reference (about 30 s; its cache is $CLAWPRINT_PEER_DIR,
# default ~/.cache/clawprint-peer).
set -euo pipefail

# shellcheck source=scripts/golden-common.sh
. "$(dirname "$0")/golden-common.sh"
golden_init golden.sh findings.py

raw="$(mktemp)"
err="$(mktemp)"
trap 'rm -f "$raw" "$err"' EXIT

run_case() {
  local case_dir="$1"
  # The wrapper prints the throw-away HOME on the first line, then the audit's stdout.
  # run-case.sh clears OPENCLAW_STATE_DIR / OPENCLAW_CONFIG_PATH and sets cwd = HOME.
  # stderr goes to $err (run-case.sh itself discards the command's stderr).
  : >"$err"
  CLAWPRINT_GOLDEN_ERR="$err" "$peer/run-case.sh" "$case_dir" \
    bash -c 'printf "%s\n" "$HOME"; exec "$0" security audit --json 2>"$CLAWPRINT_GOLDEN_ERR"' "$peer/openclaw" >"$raw"
  python3 - "$raw" "$case_dir" "$peer/findings.py" "$err" <<'PY'
import json, os, re, subprocess, sys

raw_path, case_dir, findings_py, err_path = sys.argv[1:5]
with open(raw_path, encoding="utf-8") as fh:
    home, _, body = fh.read().partition("\n")
name = os.path.basename(case_dir.rstrip("/"))
txt_path = os.path.join(case_dir, "reference.txt")
json_path = os.path.join(case_dir, "reference.json")
stderr_path = os.path.join(case_dir, "reference.stderr.txt")
homes = sorted({home, os.path.realpath(home)}, key=len, reverse=True) if home else []

# reference.txt is exactly `run-case.sh CASE | findings.py`.
res = subprocess.run([sys.executable, findings_py], input=body, capture_output=True, text=True)
if res.returncode != 0:
    with open(txt_path, "w", encoding="utf-8") as fh:
        fh.write("REFUSED\n")
    if os.path.exists(json_path):
        os.remove(json_path)
    with open(err_path, encoding="utf-8", errors="replace") as fh:
        err = re.sub(r"\x1b\[[0-9;]*m", "", fh.read())
    lines = err.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("OpenClaw config is invalid")), 0)
    err = "\n".join(lines[start:]).rstrip("\n") + "\n"
    for h in homes:
        err = err.replace(h, "~")
    with open(stderr_path, "w", encoding="utf-8") as fh:
        fh.write(err)
    note = "" if not body.strip() else " (stdout was not a report)"
    print(f"{name} REFUSED{note}")
    sys.exit(0)
with open(txt_path, "w", encoding="utf-8") as fh:
    fh.write(res.stdout)
if os.path.exists(stderr_path):
    os.remove(stderr_path)

report = json.loads(body)

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

report = norm(report)
if "ts" in report:
    report["ts"] = 0
with open(json_path, "w", encoding="utf-8") as fh:
    fh.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
print(f"{name} {len(report['findings'])}")
PY
}

golden_each golden.sh run_case "$@"
