#!/usr/bin/env bash
# models/fetch: lists models, refuses unknown ones, and without network says so, exits non-zero
# and leaves nothing behind. The download URL points at a closed local port, so this test never
# depends on whether the machine is online.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fails=0
check() { if grep -q "$2" <<<"$3"; then echo "ok: $1"; else echo "FAIL: $1: expected '$2' in: $3"; fails=$((fails + 1)); fi; }

out=$("$ROOT/models/fetch" --list)
check "list names Depth Anything" "depth-anything-v2-small" "$out"

out=$("$ROOT/models/fetch" no-such-model 2>&1) && fails=$((fails + 1))
check "unknown model" "unknown model 'no-such-model'" "$out"

/usr/bin/python3 - "$ROOT/models/models.json" "$work/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for model in m["models"]:
    for v in model["variants"].values():
        v["url"] = "http://127.0.0.1:9/" + v["file"]
json.dump(m, open(sys.argv[2], "w"))
PY
out=$(DEPTHVIEW_MODELS_JSON="$work/manifest.json" "$ROOT/models/fetch" depth-anything-v2-small --dir "$work/models" 2>&1) && fails=$((fails + 1))
check "offline download" "Are you offline? Nothing was changed" "$out"
if [ -n "$(ls -A "$work/models" 2>/dev/null)" ]; then echo "FAIL: files left behind"; fails=$((fails + 1)); fi
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
