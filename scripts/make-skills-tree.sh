#!/usr/bin/env bash
# Regenerates home/ and modes of a skills-scan boundary case: an empty config and a default workspace whose
# skills/ holds N one-file directories (s0000/SKILL.md, ...). Then run scripts/golden.sh on the case.
#   scripts/make-skills-tree.sh N CASE_DIR
# Used for tests/conformance/cases/P26-skills-2000-files (N=2000) and P27-skills-2001-files (N=2001).
set -euo pipefail
n="$1"
cd "$2"
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
