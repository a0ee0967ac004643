#!/usr/bin/env bash
# `depthview models [--fetch]` with the project's manifest: lists models, refuses unknown ones, and
# without network says so, exits non-zero and leaves nothing behind. The download URLs point at a
# closed local port, so this test never depends on whether the machine is online (downloads that
# work are tests/scripts/cli_download.sh, against the stand-in hub).
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
[ -x "$cli" ] || { echo "FAIL: $cli is not built (scripts/build native)"; exit 1; }
export XDG_DATA_HOME=$work/data  # not the user's downloads
unset DEPTHVIEW_MODELS_JSON DEPTHVIEW_MODEL_HUB
# check NAME PATTERN TEXT: PATTERN (grep) is in TEXT.
check() { if grep -q -- "$2" <<<"$3"; then echo "ok: $1"; else echo "FAIL: $1: expected '$2' in: $3"; fails=$((fails + 1)); fi; }

out=$("$cli" models)
check "list names Depth Anything" "depth-anything-v2-small" "$out"
check "list shows each variant with its size" "^  q4f16 *19.1 MB  " "$out"
check "list says where an installed file is, or how to fetch it" \
  "^  fp16 *49.6 MB  \(installed: \|not installed (depthview models --fetch depth-anything-v2-small --variant fp16)\)" "$out"

out=$("$cli" models --fetch depth-anything-v2-small --variant fp8 2>&1) && fails=$((fails + 1))
check "unknown variant, the published ones listed" "has no variant 'fp8'; its variants: fp32, fp16, quantized, int8, uint8, q4, q4f16, bnb4" "$out"
out=$("$cli" models --fetch no-such-model 2>&1) && fails=$((fails + 1))
check "unknown model" "unknown model 'no-such-model'; known: depth-anything-v2-small, midas-v21-small, fastdepth, pydnet" "$out"
out=$("$cli" models --fetch fastdepth 2>&1) && fails=$((fails + 1))
check "a test model without a download" "'fastdepth' (fp32) has no download: put fastdepth.onnx into models/ by hand" "$out"

/usr/bin/python3 - "$ROOT/models/models.json" "$work/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for model in m["models"]:
    for v in model["variants"].values():
        v["url"] = "http://127.0.0.1:9/" + v["file"]
json.dump(m, open(sys.argv[2], "w"))
PY
export DEPTHVIEW_MODELS_JSON=$work/manifest.json
out=$("$cli" models --fetch 2>&1) && fails=$((fails + 1))
check "offline, the default model: says so, nothing installed" "failed: .*; nothing was installed (offline? or name another hub with --hub URL)" "$out"
for variant in fp16 quantized int8 uint8 q4 q4f16 bnb4; do
  out=$("$cli" models --fetch depth-anything-v2-small --variant $variant 2>&1) && fails=$((fails + 1))
  check "offline download of $variant, to its own file" "from http://127.0.0.1:9/depth_anything_v2_small_$variant.onnx -> $work/data/depthview/models/depth_anything_v2_small_$variant.onnx" "$out"
done
out=$("$cli" models --fetch depth-anything-v2-small --dir "$work/elsewhere" 2>&1) && fails=$((fails + 1))
check "--dir: downloads go there" "-> $work/elsewhere/depth_anything_v2_small_fp16.onnx" "$out"
/usr/bin/python3 - "$work/manifest.json" "$work/manifest_q4.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["models"][0]["default_variant"] = {"native": "q4", "web": "fp32"}
m["download_base"] = "http://127.0.0.1:9/mirror"
json.dump(m, open(sys.argv[2], "w"))
PY
out=$(DEPTHVIEW_MODELS_JSON="$work/manifest_q4.json" "$cli" models --fetch depth-anything-v2-small 2>&1) && fails=$((fails + 1))
check "without --variant: the manifest's native default_variant, from its download_base" \
  "(27.4 MB) from http://127.0.0.1:9/mirror/depth_anything_v2_small_q4.onnx -> " "$out"
out=$(DEPTHVIEW_MODELS_JSON="$work/manifest_q4.json" "$cli" models --fetch depth-anything-v2-small --hub http://127.0.0.1:9/other/ 2>&1) && fails=$((fails + 1))
check "--hub overrides download_base" "from http://127.0.0.1:9/other/depth_anything_v2_small_q4.onnx -> " "$out"
if [ -n "$(find "$work" -name '*.onnx*' 2>/dev/null)" ]; then echo "FAIL: files left behind: $(find "$work" -name '*.onnx*')"; fails=$((fails + 1)); fi
finish
