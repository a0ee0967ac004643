#!/usr/bin/env bash
# bench/run_xnn_smoke.sh [RUNS]: the XNNPACK smoke benchmark natively and as wasm under node
# (SIMD128 and relaxed-SIMD builds), 1 vs 2 threads, one after the other in one invocation.
# Builds what is missing with scripts/build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-9}
"$ROOT/scripts/build" native web-simd web-relaxed > /dev/null
"$ROOT/build/native/bench/xnn_smoke_bench" 2 "$runs"
node "$ROOT/build/web-simd/bench/xnn_smoke_bench.js" 2 "$runs"
node --experimental-wasm-relaxed-simd "$ROOT/build/web-relaxed/bench/xnn_smoke_bench.js" 2 "$runs"
