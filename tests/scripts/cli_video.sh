#!/usr/bin/env bash
# depthview CLI on videos: the shared clip (MPEG-4 Part 2) and an H.264 transcode of it give a
# depth video, a side-by-side video and a 16-bit PNG per frame, with the input's frame count and
# rate as ffprobe reads them; bad videos in the same batch get one error line each and the batch
# goes on (exit code 1); --raw and --container webm work.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared models/fastdepth.onnx video/davis_rollercoaster.mp4
clip=$SHARED/video/davis_rollercoaster.mp4
mkdir "$work/in"
cp "$clip" "$work/in/a_clip.mp4"
ffmpeg -v error -i "$clip" -frames:v 20 -vf scale=320:180 -c:v libx264 -pix_fmt yuv420p "$work/in/b_h264.mp4"
ffmpeg -v error -f lavfi -i sine=duration=1 "$work/in/c_song.m4a"
cp "$work/in/c_song.m4a" "$work/in/c_song.mp4"  # audio only, under a video name
head -c $(( $(stat -c %s "$work/in/b_h264.mp4") / 2 )) "$work/in/b_h264.mp4" > "$work/in/d_cut.mp4"
echo "not a video" > "$work/in/e_text.mp4"

probe() {  # FILE -> "frames width height rate"
  ffprobe -v error -count_frames -select_streams v:0 \
    -show_entries stream=nb_read_frames,width,height,avg_frame_rate -of csv=p=0 "$1" |
    awk -F, '{print $4, $1, $2, $3}'
}

rc=0
"$cli" "$work/in/a_clip.mp4" "$work/in/b_h264.mp4" "$work/in/c_song.mp4" "$work/in/d_cut.mp4" "$work/in/e_text.mp4" \
  -o "$work/out" --model fastdepth --video-format depth,sbs,png16 > "$work/stdout" 2> "$work/stderr" || rc=$?
cat "$work/stdout" "$work/stderr"
expect "exit code 1 when some videos fail" '[ "$rc" = 1 ]'
expect "two videos done" 'grep -q "2 of 5 files done" "$work/stdout"'
expect "one error line per bad video" '[ "$(grep -c "error:" "$work/stderr")" = 3 ]'
expect "audio only named" 'grep -q "c_song.mp4 has no video stream" "$work/stderr"'
expect "truncated named" 'grep -qE "d_cut.mp4 (ends early|is not a video)" "$work/stderr"'
expect "not a video named" 'grep -q "e_text.mp4 is not a video" "$work/stderr"'
expect "nothing left of the failed ones" '[ -z "$(ls "$work/out" | grep -E "^(c_song|d_cut|e_text)")" ]'
read -r n w h r <<< "$(probe "$clip")"
expect "depth video: the clip's $n frames, ${w}x$h at $r" '[ "$(probe "$work/out/a_clip_depth.mp4")" = "$n $w $h $r" ]'
expect "side by side: twice as wide" '[ "$(probe "$work/out/a_clip_sbs.mp4")" = "$n $((2 * w)) $h $r" ]'
expect "one PNG per frame" '[ "$(ls "$work/out/a_clip_depth" | wc -l)" = "$n" ]'
expect "16-bit grey PNGs" 'ffprobe -v error -show_entries stream=pix_fmt -of csv=p=0 "$work/out/a_clip_depth/000000.png" | grep -q gray16'
expect "H.264 input: 20 frames at its rate" '[ "$(probe "$work/out/b_h264_depth.mp4")" = "$(probe "$work/in/b_h264.mp4")" ]'
expect "stabilised said" 'grep -q "a_clip.mp4: 70 frames, FastDepth.*, stabilised" "$work/stdout"'

rc=0
"$cli" "$work/in/b_h264.mp4" -o "$work/raw" --model fastdepth --raw --container webm --colormap turbo \
  > "$work/stdout2" 2>&1 || rc=$?
cat "$work/stdout2"
expect "--raw --container webm" '[ "$rc" = 0 ] && grep -q ", raw," "$work/stdout2"'
expect "webm: VP9 with the input's frames" 'ffprobe -v error -select_streams v:0 -show_entries stream=codec_name -of csv=p=0 "$work/raw/b_h264_depth.webm" | grep -q vp9 && [ "$(probe "$work/raw/b_h264_depth.webm" | cut -d" " -f1)" = 20 ]'
finish
