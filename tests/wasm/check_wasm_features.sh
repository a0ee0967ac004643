#!/usr/bin/env bash
# check_wasm_features.sh MODULE.wasm simd|relaxed
# The module really uses SIMD128 (v128 instructions), relaxed SIMD for the relaxed flavour,
# and shared memory (threads), as wasm-objdump (Debian wabt) reads them.
set -euo pipefail
wasm=$1 flavour=$2
command -v wasm-objdump >/dev/null || { echo "wasm-objdump missing: run scripts/setup (Debian wabt)"; exit 1; }
dis=$(mktemp); trap 'rm -f "$dis"' EXIT
wasm-objdump -d "$wasm" > "$dis"
v128=$(grep -cE '\b(v128|f32x4|i32x4|i8x16|i16x8)\.' "$dis" || true)
relaxed=$(grep -cE '\b[a-z0-9]+x[0-9]+\.relaxed_' "$dis" || true)
memory=$(wasm-objdump -x -j Import "$wasm" | grep -E ' memory\[' || true)
echo "$(basename "$wasm"): v128/SIMD instructions=$v128 relaxed-SIMD instructions=$relaxed"
echo "memory import: ${memory:-<none>}"
ok=1
[ "$v128" -gt 1000 ] || { echo "FAIL: expected SIMD128 code (found $v128 SIMD instructions)"; ok=0; }
grep -q 'shared' <<<"$memory" || { echo "FAIL: memory is not shared (no threads)"; ok=0; }
if [ "$flavour" = relaxed ]; then
  [ "$relaxed" -gt 0 ] || { echo "FAIL: relaxed flavour without relaxed-SIMD instructions"; ok=0; }
else
  [ "$relaxed" -eq 0 ] || { echo "FAIL: SIMD128 flavour contains $relaxed relaxed-SIMD instructions"; ok=0; }
fi
[ "$ok" = 1 ] && echo PASS
[ "$ok" = 1 ]
