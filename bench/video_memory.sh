#!/usr/bin/env bash
# bench/video_memory.sh [MINUTES] [FPS]: long videos stream. Makes a MINUTES-long (default 10)
# 1920x1080 H.264 clip at FPS frames/s (default 2: every second of a 10-minute clip, without
# hours of inference) with ffmpeg's test source, exports its depth video with the CLI (FastDepth,
# stabilised) and prints the CLI's resident memory (VmRSS) at each tenth of the run and the peak
# (VmHWM). Flat = no whole-video buffering. Needs the native build and ../shared/models.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
minutes=${1:-10} fps=${2:-2}
cli=$ROOT/build/native/src/depthview
model=$ROOT/../shared/models/fastdepth.onnx
[ -x "$cli" ] || { echo "build the CLI first (scripts/build native)"; exit 1; }
[ -f "$model" ] || { echo "needs $model"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
clip=$work/long_1080p.mp4
seconds=$((minutes * 60)) frames=$((minutes * 60 * fps))
ffmpeg -v error -f lavfi -i "testsrc2=size=1920x1080:rate=$fps:duration=$seconds" \
  -vf "noise=alls=12:allf=t" -c:v libx264 -preset veryfast -pix_fmt yuv420p "$clip"
echo "clip: $minutes min, 1920x1080, $frames frames, $(($(stat -c %s "$clip") / 1000000)) MB"
start=$(date +%s.%N)
"$cli" "$clip" -o "$work/out" --model "$model" --video-format depth > "$work/log" 2>&1 &
pid=$!
samples=()
while kill -0 "$pid" 2> /dev/null; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
  [ -n "$rss" ] && samples+=("$rss") && peak=$hwm
  sleep 1
done
wait "$pid" || { cat "$work/log"; exit 1; }
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
n=${#samples[@]}
printf 'export: %.0f s (%d RSS samples, one a second)\n' "$elapsed" "$n"
line="RSS MB at"
for tenth in 1 2 3 4 5 6 7 8 9 10; do
  i=$(((n - 1) * tenth / 10))
  line+=" ${tenth}0%: $((samples[i] / 1024))"
done
echo "$line"
echo "peak RSS (VmHWM): $((peak / 1024)) MB; output frames: $(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/out/long_1080p_depth.mp4")"
