#!/usr/bin/env bash
# Regenerates data/config-schema-2026.5.20.json.zst: the JSON schema (draft-07) that the reference OpenClaw CLI
# 2026.5.20 prints with `openclaw config schema`, stripped of its documentation keys, which clawprint embeds to
# tell when OpenClaw would refuse a config (src/config/validate.rs). See data/README.md.
# Also writes data/suppressed-models-2026.5.20.txt: the `provider/model` refs that the bundled plugins' manifests
# withdraw unconditionally (`modelCatalog.suppressions` without `when`), which the reference refuses in config.
#
#   scripts/schema.sh            writes both files (and prints their sizes)
#   scripts/schema.sh --json     also keeps the stripped, uncompressed data/config-schema-2026.5.20.json
#
# It runs the reference through the shared peer scripts ($CLAWPRINT_PEER_SCRIPTS, default <repo>/../shared/peer)
# with a throw-away HOME (no config: the reference then merges the schemas of every bundled plugin and channel).
# The reference's install cache must be the usual one ($CLAWPRINT_PEER_DIR, default ~/.cache/clawprint-peer), as
# for scripts/golden.sh: an install inside a temporary directory under /tmp lists only part of the bundled plugins.
# Needs python3 and zstd. Output is deterministic (two runs give identical files).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
peer="${CLAWPRINT_PEER_SCRIPTS:-$repo/../shared/peer}"
if [ ! -x "$peer/openclaw" ]; then
  echo "schema.sh: peer scripts not found in $peer (set CLAWPRINT_PEER_SCRIPTS)" >&2
  exit 2
fi
peer="$(cd "$peer" && pwd)"
export PEER_VERSION=2026.5.20
export CLAWPRINT_PEER_DIR="${CLAWPRINT_PEER_DIR:-$HOME/.cache/clawprint-peer}"
"$peer/install.sh" "$PEER_VERSION" >/dev/null

out="$repo/data/config-schema-$PEER_VERSION.json"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/home"
(cd "$tmp/home" && HOME="$tmp/home" OPENCLAW_STATE_DIR= OPENCLAW_CONFIG_PATH= "$peer/openclaw" config schema) \
  >"$tmp/full.json"

python3 - "$tmp/full.json" "$tmp/stripped.json" <<'PY'
import json, sys

src, dst = sys.argv[1:3]
with open(src, encoding="utf-8") as fh:
    schema = json.load(fh)

DOC_KEYS = {"title", "description", "examples", "markdownDescription"}
# Keywords whose value is a map from names to subschemas (the names are data, not keywords).
MAPS = {"properties", "patternProperties", "definitions", "$defs"}
# Keywords whose value is data (never a subschema).
DATA = {"enum", "const", "required", "default", "$schema", "$ref", "type", "pattern", "format"}

def strip(node):
    if isinstance(node, list):
        return [strip(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in DOC_KEYS:
            continue
        if k in MAPS and isinstance(v, dict):
            out[k] = {name: strip(sub) for name, sub in v.items()}
        elif k in DATA:
            out[k] = v
        else:
            out[k] = strip(v)
    return out

stripped = strip(schema)
with open(dst, "w", encoding="utf-8") as fh:
    json.dump(stripped, fh, ensure_ascii=False, separators=(",", ":"))
    fh.write("\n")
print(f"schema.sh: full {len(json.dumps(schema)):,} bytes, stripped {len(json.dumps(stripped, separators=(',', ':'))):,} bytes")
PY

# Unconditional model suppressions of the bundled plugin manifests, in manifest order (plugins sorted by folder).
dist="$CLAWPRINT_PEER_DIR/openclaw-$PEER_VERSION/node_modules/openclaw/dist"
python3 - "$dist/extensions" "$repo/data/suppressed-models-$PEER_VERSION.txt" <<'PY'
import glob, json, os, sys

ext, dst = sys.argv[1:3]
refs = []
for manifest in sorted(glob.glob(os.path.join(ext, "*", "openclaw.plugin.json"))):
    with open(manifest, encoding="utf-8") as fh:
        catalog = json.load(fh).get("modelCatalog")
    for s in (catalog or {}).get("suppressions") or []:
        if "when" not in s:
            refs.append(f"{s['provider'].strip().lower()}/{s['model'].strip().lower()}")
with open(dst, "w", encoding="utf-8") as fh:
    fh.write("".join(f"{r}\n" for r in dict.fromkeys(refs)))
print(f"schema.sh: wrote {os.path.basename(dst)} ({len(refs)} refs)")
PY

zstd -q -19 -f "$tmp/stripped.json" -o "$out.zst"
if [ "${1:-}" = "--json" ]; then cp "$tmp/stripped.json" "$out"; fi
echo "schema.sh: wrote ${out#$repo/}.zst ($(wc -c <"$out.zst") bytes)"
