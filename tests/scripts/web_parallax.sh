#!/usr/bin/env bash
# The 3D photo's exports in the web viewer (tests/web/parallax_e2e.mjs), headless Debian Chromium:
# parallax MP4 (WebCodecs), animated WebP (wasm), Cancel, layered GLB and anaglyph downloads.
# Screenshots and files: build/web-shots/parallax.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared photos/da2/demo01.jpg models/fastdepth.onnx
command -v ffprobe > /dev/null || { echo "SKIPPED: ffprobe is not installed"; exit 77; }
# shellcheck source=/dev/null
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/site" "$ROOT/build/site"
timeout 900 node "$ROOT/tests/web/parallax_e2e.mjs"
