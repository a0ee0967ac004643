#!/usr/bin/env bash
# Phones and tablets in the web viewer (tests/web/phone_e2e.mjs), headless Debian Chromium with
# playwright-core's device descriptors: the compact layout's geometry, touch gestures, the model
# setup for the device's memory and the step down when the browser refuses memory.
# Screenshots: build/web-shots/phone.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared photos/da2/demo01.jpg phone/pixel8_dynamic_depth_flowers.jpg models/depth_anything_v2_small.graph.onnx
# shellcheck source=/dev/null
source "$ROOT/scripts/env.sh"
"$ROOT/tests/tools/seed_models.sh" "$ROOT/../shared/models" "$ROOT/build/models" > /dev/null
"$ROOT/scripts/site" "$ROOT/build/site"
timeout 900 node "$ROOT/tests/web/phone_e2e.mjs"
