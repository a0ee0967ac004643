#!/usr/bin/env bash
# The page downloading its model from a stand-in hub (tests/web/download_e2e.mjs) in headless
# Debian Chromium: progress, resume after a cut / Cancel / reload, wrong bytes, quota, unreachable
# hub, COEP variants, offline visit from the cache, what the hub saw. Screenshots:
# build/web-shots/download/.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared photos/da2/demo01.jpg models/fastdepth.onnx
# shellcheck source=/dev/null
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/site" "$ROOT/build/site"
timeout 900 node "$ROOT/tests/web/download_e2e.mjs"
