#!/usr/bin/env bash
# Lay out a host description (tests/conformance/hosts/<name> or a case dir: home/ + modes) as a real home dir,
# for trying clawprint by hand or recording the README walkthrough:
#
#   scripts/demo-host.sh tests/conformance/hosts/insecure /tmp/demo/home/alice
#   HOME=/tmp/demo/home/alice clawprint audit
set -euo pipefail
src="${1:?usage: demo-host.sh HOST_DIR TARGET_HOME}"
dst="${2:?usage: demo-host.sh HOST_DIR TARGET_HOME}"
if [ -e "$dst" ] && [ -n "$(ls -A "$dst" 2>/dev/null)" ]; then
    echo "demo-host.sh: $dst exists and is not empty" >&2
    exit 2
fi
mkdir -p "$dst"
cp -a "$src/home/." "$dst/"
# Deepest paths first, so a dir's own mode is set after its children are reachable.
sort -k2 -r "$src/modes" | while read -r mode path; do
    chmod "$mode" "$dst/$path"
done
