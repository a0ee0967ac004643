#!/usr/bin/env bash
# The web viewer end to end in headless Debian Chromium (tests/web/e2e.mjs): assembles the site from
# the three wasm builds, then loads, opens and drops photos, rotates, exports, goes offline, runs
# without cross-origin isolation and at devicePixelRatio 2. Screenshots: build/web-shots.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared photos/da2/demo01.jpg models/fastdepth.onnx
# shellcheck source=/dev/null
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/site" "$ROOT/build/site"
"$ROOT/tests/tools/seed_models.sh" "$ROOT/../shared/models" "$ROOT/build/models" > /dev/null
timeout 900 node "$ROOT/tests/web/e2e.mjs"
