# Shared by scripts/golden.sh and scripts/golden-fix.sh (sourced, not run): finds the repo and the shared peer
# scripts, pins and installs the reference, and runs a function for each host case.
#
#   golden_init TOOL [FILE...]        sets $repo and $peer; FILE: further peer files TOOL needs besides
#                                     run-case.sh and openclaw; then installs the reference (2026.5.20)
#   golden_each TOOL FN [CASE_DIR...] runs `FN CASE_DIR NAME` for each case dir (default: every
#                                     tests/conformance/cases/*/) that has a home/; notes the others on stderr
#
# The peer scripts are looked up in $CLAWPRINT_PEER_SCRIPTS, else <repo>/../shared/peer.

golden_init() {
  local tool="$1" f ok=1
  shift
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  peer="${CLAWPRINT_PEER_SCRIPTS:-$repo/../shared/peer}"
  [ -x "$peer/run-case.sh" ] && [ -x "$peer/openclaw" ] || ok=
  for f in "$@"; do
    [ -f "$peer/$f" ] || ok=
  done
  if [ -z "$ok" ]; then
    echo "$tool: peer scripts not found in $peer (set CLAWPRINT_PEER_SCRIPTS)" >&2
    exit 2
  fi
  peer="$(cd "$peer" && pwd)"
  # The parity target is 2026.5.20: pin it (peer/openclaw honours PEER_VERSION).
  export PEER_VERSION=2026.5.20
  # Install the reference up front (idempotent; npm progress goes to stderr) so a failed install
  # is not mistaken for a refused config.
  "$peer/install.sh" "$PEER_VERSION" >/dev/null
}

golden_each() {
  local tool="$1" fn="$2" case_dir
  shift 2
  if [ $# -eq 0 ]; then
    set -- "$repo"/tests/conformance/cases/*/
  fi
  for case_dir in "$@"; do
    case_dir="${case_dir%/}"
    if [ ! -d "$case_dir/home" ]; then
      echo "$tool: $case_dir has no home/, skipped" >&2
      continue
    fi
    "$fn" "$case_dir" "$(basename "$case_dir")"
  done
}
