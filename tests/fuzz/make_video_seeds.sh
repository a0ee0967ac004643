#!/usr/bin/env bash
# make_video_seeds.sh OUT_DIR: seed corpus of fuzz_video, generated with Debian's ffmpeg (nothing
# from ../shared): tiny clips in each container and codec depthview reads (MP4/MOV/MKV H.264,
# WebM VP9, MPEG-4 Part 2 AVI, MJPEG), one with audio, one audio-only, a truncated MP4.
set -euo pipefail
out=$1; mkdir -p "$out"
src=(-f lavfi -i "testsrc2=size=32x24:rate=10:duration=0.5")
enc() { local name=$1; shift; ffmpeg -v error -y "${src[@]}" "$@" "$out/$name"; }
enc h264.mp4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p
enc h264.mov -c:v libx264 -preset ultrafast -pix_fmt yuv420p
enc h264.mkv -c:v libx264 -preset ultrafast -pix_fmt yuv444p
enc vp9.webm -c:v libvpx-vp9 -deadline realtime -cpu-used 8
enc mpeg4.avi -c:v mpeg4
enc mjpeg.avi -c:v mjpeg -pix_fmt yuvj420p
ffmpeg -v error -y "${src[@]}" -f lavfi -i "sine=duration=0.5" -c:v libx264 -preset ultrafast -c:a aac -shortest "$out/with_audio.mp4"
ffmpeg -v error -y -f lavfi -i "sine=duration=0.3" -c:a aac "$out/audio_only.m4a"
head -c "$(($(stat -c %s "$out/h264.mp4") / 2))" "$out/h264.mp4" > "$out/truncated.mp4"
echo "seeds: $(ls "$out" | wc -l) videos in $out"
