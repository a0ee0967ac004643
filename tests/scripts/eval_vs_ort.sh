#!/usr/bin/env bash
# `depthview eval` (our engine, our C++ protocol) against the same protocol run with
# onnxruntime-node (tests/parity/ort_run.mjs, metrics in numpy by bench/eval_depth.py) on
# ../shared/eval with FastDepth: mean AbsRel and δ1 must agree within ±0.002. Prints both, and
# the accuracy cost of `--precision int8` (AbsRel at most 0.005 worse, δ1 at most 0.01 lower).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=$ROOT/../shared
if [ ! -f "$SHARED/eval/manifest.json" ] || [ ! -f "$SHARED/models/fastdepth.onnx" ]; then
  echo "SKIPPED: ../shared/eval or ../shared/models not found"; exit 77
fi
# shellcheck source=/dev/null
source "$ROOT/scripts/env.sh"
ours=$("$ROOT/build/native/src/depthview" eval --manifest "$SHARED/eval/manifest.json" --model fastdepth)
int8=$("$ROOT/build/native/src/depthview" eval --manifest "$SHARED/eval/manifest.json" --model fastdepth --precision int8)
ref=$(/usr/bin/python3 "$ROOT/bench/eval_depth.py" --model "$SHARED/models/fastdepth.onnx" \
      --manifest "$SHARED/eval/manifest.json" \
      --runner "node $ROOT/tests/parity/ort_run.mjs --ort $DEPTHVIEW_TC/node/node_modules/onnxruntime-node --dv-run $ROOT/build/native/tests/dv_run")
echo "depthview eval:"; echo "$ours" | sed 's/^/  /'
echo "onnxruntime-node, same protocol:"; echo "$ref" | sed 's/^/  /'
/usr/bin/python3 - "$ours" "$ref" "$int8" <<'PY'
import re, sys
def mean(text):
    m = re.search(r"^mean over (\d+) images.*AbsRel ([0-9.]+)\s+d1 ([0-9.]+)", text, re.M)
    return int(m.group(1)), float(m.group(2)), float(m.group(3))
(n1, a1, d1), (n2, a2, d2), (n3, a3, d3) = mean(sys.argv[1]), mean(sys.argv[2]), mean(sys.argv[3])
print(f"FastDepth on {n1} images: depthview AbsRel {a1:.4f} d1 {d1:.4f} | onnxruntime-node AbsRel {a2:.4f} d1 {d2:.4f}"
      f" | differences {abs(a1 - a2):.4f}, {abs(d1 - d2):.4f} (limit 0.002)")
print(f"depthview --precision int8: AbsRel {a3:.4f} d1 {d3:.4f} | cost vs fp32: AbsRel {a3 - a1:+.4f} (limit +0.005),"
      f" d1 {d3 - d1:+.4f} (limit -0.01)")
same = n1 == n2 and abs(a1 - a2) <= 0.002 and abs(d1 - d2) <= 0.002
int8_ok = n3 == n1 and a3 - a1 <= 0.005 and d1 - d3 <= 0.01
sys.exit(0 if same and int8_ok else 1)
PY
