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
check "list shows each variant with its size" "^  q4f16 *19.1 MB  " "$out"
check "list says where an installed file is, or that it is not" "^  fp16 *49.6 MB  \(installed: \|not installed\)" "$out"

out=$("$ROOT/models/fetch" depth-anything-v2-small --variant fp8 2>&1) && fails=$((fails + 1))
check "unknown variant, the published ones listed" "no download 'fp8'; variants: fp32, fp16, quantized, int8, uint8, q4, q4f16, bnb4" "$out"

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
for variant in fp16 quantized int8 uint8 q4 q4f16 bnb4; do
  out=$(DEPTHVIEW_MODELS_JSON="$work/manifest.json" "$ROOT/models/fetch" depth-anything-v2-small --variant $variant --dir "$work/models" 2>&1) && fails=$((fails + 1))
  check "offline download of $variant, to its own file" "($variant) -> $work/models/depth_anything_v2_small_$variant.onnx" "$out"
done
/usr/bin/python3 - "$work/manifest.json" "$work/manifest_q4.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["models"][0]["default_variant"] = {"native": "q4", "web": "fp32"}
json.dump(m, open(sys.argv[2], "w"))
PY
out=$(DEPTHVIEW_MODELS_JSON="$work/manifest_q4.json" "$ROOT/models/fetch" depth-anything-v2-small --dir "$work/models" 2>&1) && fails=$((fails + 1))
check "without --variant: the manifest's native default_variant" "(q4) -> $work/models/depth_anything_v2_small_q4.onnx" "$out"
if [ -n "$(ls -A "$work/models" 2>/dev/null)" ]; then echo "FAIL: files left behind"; fails=$((fails + 1)); fi
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
