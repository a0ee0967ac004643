#!/usr/bin/env bash
# Measured depth in the web viewer (tests/web/measured_e2e.mjs), headless Debian Chromium: the
# Pixel and iPhone portrait files show camera, fused, error views and a metric point cloud; a TUM
# RGB-D pair shows the error view. Screenshots: build/web-shots/measured.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared phone/pixel8_dynamic_depth_flowers.jpg phone/iphone_portrait_pug.heic eval/slambook2/ch7/1.png models/fastdepth.onnx
# shellcheck source=/dev/null
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/site" "$ROOT/build/site"
heic=()
if grep -qs '^DEPTHVIEW_HEIF:BOOL=ON' "$ROOT/build/web-simd/CMakeCache.txt"; then heic=(--heic); fi
timeout 900 node "$ROOT/tests/web/measured_e2e.mjs" "${heic[@]}"
