#!/usr/bin/env bash
# Video files and the webcam in the web viewer (tests/web/video_e2e.mjs), headless Debian Chromium:
# clips made with the ffmpeg CLI from ../shared/video (H.264, VP9, audio only, no frames, truncated,
# MPEG-4 Part 2, a .y4m for the fake camera); messages, live depth, camera loss, depth export checked
# with ffprobe. Once src/app has the video entry points (dv_app_video_*), the test needs them
# (--real); before that, JS stand-ins answer for the viewer. Screenshots: build/web-shots/video.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared video/davis_rollercoaster.mp4 photos/da2/demo01.jpg models/fastdepth.onnx
if ! command -v ffmpeg > /dev/null || ! command -v ffprobe > /dev/null; then
  echo "FAIL: ffmpeg/ffprobe missing (scripts/setup installs them)"; exit 1
fi
# shellcheck source=/dev/null
source "$ROOT/scripts/env.sh"
"$ROOT/scripts/site" "$ROOT/build/site"
real=()
if grep -rqs dv_app_video_open "$ROOT/src/app"; then real=(--real); fi
timeout 900 node "$ROOT/tests/web/video_e2e.mjs" "${real[@]}"
