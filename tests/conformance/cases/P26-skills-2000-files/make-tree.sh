#!/usr/bin/env bash
# Regenerates home/ and modes of this case: an empty config and a default workspace whose skills/ holds
# 2000 one-file directories (s0000/SKILL.md, ...). Run from anywhere; then scripts/golden.sh on this case.
set -euo pipefail
cd "$(dirname "$0")"
n=2000
rm -rf home modes
mkdir -p home/.openclaw/workspace/skills
echo '{}' > home/.openclaw/openclaw.json
{
  echo "700 .openclaw"
  echo "600 .openclaw/openclaw.json"
  echo "700 .openclaw/workspace"
  echo "700 .openclaw/workspace/skills"
  for ((i = 0; i < n; i++)); do
    d=$(printf 's%04d' "$i")
    mkdir home/.openclaw/workspace/skills/$d
    printf -- '---\nname: %s\ndescription: generated\n---\n' "skill" > home/.openclaw/workspace/skills/$d/SKILL.md
    echo "700 .openclaw/workspace/skills/$d"
    echo "600 .openclaw/workspace/skills/$d/SKILL.md"
  done
} > modes
