#!/usr/bin/env bash
# depthview CLI's formats for other apps and for stereo viewing, each checked with a tool of its
# own: exiftool reads the Dynamic Depth JPEG (its depth item is a 16-bit PNG of the photo's size,
# PIL), PIL the depth pair and the stereo images (sizes per layout, the cross-eyed halves are
# the side-by-side's swapped), a small GLB JSON reader the layered GLB (two meshes, two textures);
# a stereo image over 8K is refused with a message and leaves no file; parallax animations by
# ffprobe (frame counts) and PIL (animated WebP).
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared models/fastdepth.onnx photos/da2/demo03.jpg
command -v exiftool > /dev/null || { echo "SKIPPED: exiftool is not installed"; exit 77; }
mkdir "$work/in"
cp "$SHARED/photos/da2/demo03.jpg" "$work/in/c.jpg"

rc=0
"$cli" "$work/in/c.jpg" -o "$work/out" --model fastdepth --threads 2 \
  --format dd-jpeg,depth-pair,glb-layered,sbs,sbs-half,over-under,cross-eyed,anaglyph \
  > "$work/stdout" 2> "$work/stderr" || rc=$?
cat "$work/stdout" "$work/stderr"
expect "exit code 0" '[ "$rc" = 0 ]'
o=$work/out

# Dynamic Depth: exiftool's Device fields and trailer (the depth item).
expect "exiftool: Dynamic Depth depth map" '[ "$(exiftool -s3 -XMP-Device:CameraDepthMapFormat "$o/c_depth_dd.jpg")" = RangeInverse ]'
expect "exiftool: directory mimes" '[ "$(exiftool -s3 -XMP-Device:ContainerDirectoryItemMime "$o/c_depth_dd.jpg")" = "image/jpeg, image/png" ]'
exiftool -b -Trailer "$o/c_depth_dd.jpg" > "$work/item.png"
length=$(exiftool -s3 -XMP-Device:ContainerDirectoryItemLength "$o/c_depth_dd.jpg" | sed 's/.*, //')
expect "Item:Length is the trailer's size" '[ "$length" = "$(stat -c %s "$work/item.png")" ]'
expect "depth item: 16-bit PNG, photo size; primary: the photo" '/usr/bin/python3 -c "
from PIL import Image
p = Image.open(\"$work/in/c.jpg\"); d = Image.open(\"$work/item.png\"); j = Image.open(\"$o/c_depth_dd.jpg\")
assert d.format == \"PNG\" and d.mode.startswith(\"I\") and d.size == p.size, (d.format, d.mode, d.size)
assert d.getextrema() == (0, 65535), d.getextrema()
assert j.format == \"JPEG\" and j.size == p.size
"'

# The 3D photo pair: NAME.jpg + NAME_depth.png, 8-bit grey, same size, white = near.
expect "depth pair: photo and 8-bit grey depth of its size" '/usr/bin/python3 -c "
from PIL import Image
p = Image.open(\"$work/in/c.jpg\"); a = Image.open(\"$o/c_3d.jpg\"); d = Image.open(\"$o/c_3d_depth.png\")
assert a.format == \"JPEG\" and a.size == p.size, a.size
assert d.mode == \"L\" and d.size == p.size, (d.mode, d.size)
assert d.getextrema()[1] == 255
"'

# The layered GLB: its JSON chunk names two meshes, each with a textured material.
expect "GLB: two meshes, two textures" '/usr/bin/python3 -c "
import json, struct
b = open(\"$o/c_depth_layered.glb\", \"rb\").read()
magic, version, length = struct.unpack(\"<4sII\", b[:12]); assert magic == b\"glTF\" and version == 2 and length == len(b)
n, kind = struct.unpack(\"<I4s\", b[12:20]); assert kind == b\"JSON\"
g = json.loads(b[20:20 + n])
assert [m[\"name\"] for m in g[\"meshes\"]] == [\"foreground\", \"background\"], g[\"meshes\"]
assert len(g[\"textures\"]) == 2 and len(g[\"images\"]) == 2
for m in g[\"meshes\"]:
    p = m[\"primitives\"][0]; mat = g[\"materials\"][p[\"material\"]]
    assert \"baseColorTexture\" in mat[\"pbrMetallicRoughness\"]
    assert g[\"accessors\"][p[\"indices\"]][\"count\"] > 0 and g[\"accessors\"][p[\"indices\"]][\"count\"] % 3 == 0
"'

# Stereo images: each layout's size; cross-eyed = side by side with the halves swapped.
expect "stereo images: sizes per layout, cross-eyed swapped" '/usr/bin/python3 -c "
from PIL import Image, ImageChops, ImageStat
w, h = Image.open(\"$work/in/c.jpg\").size
sizes = {\"sbs\": (2 * w, h), \"sbs_half\": (w // 2 * 2, h), \"over_under\": (w, 2 * h), \"cross_eyed\": (2 * w, h), \"anaglyph\": (w, h)}
for name, size in sizes.items():
    im = Image.open(\"$o/c_depth_\" + name + \".jpg\"); assert im.format == \"JPEG\" and im.size == size, (name, im.size)
sbs = Image.open(\"$o/c_depth_sbs.jpg\").convert(\"RGB\"); cross = Image.open(\"$o/c_depth_cross_eyed.jpg\").convert(\"RGB\")
swapped = Image.new(\"RGB\", sbs.size); swapped.paste(sbs.crop((w, 0, 2 * w, h)), (0, 0)); swapped.paste(sbs.crop((0, 0, w, h)), (w, 0))
diff = ImageStat.Stat(ImageChops.difference(swapped, cross)).mean
assert max(diff) < 2, diff
left, right = sbs.crop((0, 0, w, h)), sbs.crop((w, 0, 2 * w, h))
assert max(ImageStat.Stat(ImageChops.difference(left, right)).mean) > 1  # the eyes differ
"'

# Over 8K: a 3900 pixels wide photo makes a 7800 wide side-by-side image: refused, no file.
/usr/bin/python3 -c "
from PIL import Image
Image.new('RGB', (3900, 60), (90, 120, 150)).save('$work/in/wide.png')"
rc=0
"$cli" "$work/in/wide.png" -o "$work/out8k" --model fastdepth --format sbs > "$work/stdout8k" 2> "$work/stderr8k" || rc=$?
cat "$work/stdout8k" "$work/stderr8k"
expect "over 8K: exit code 1" '[ "$rc" = 1 ]'
expect "over 8K: the size in the message" 'grep -q "wide_depth_sbs.jpg: stereo image: 7800x60 is over the 7680 pixels (8K)" "$work/stderr8k"'
expect "over 8K: no file left" '[ -z "$(ls -A "$work/out8k" 2>/dev/null)" ]'

# Parallax animations: ffprobe counts the MP4's and the side-by-side video's frames, PIL reads the
# animated WebP's frames and their durations; a keyframe path; over 8K refused before any work, and no file left.
rc=0
"$cli" "$work/in/c.jpg" -o "$work/px" --model fastdepth --threads 2 --format parallax-mp4,parallax-webp,sbs-video \
  --seconds 1.5 --fps 12 --frame-size 320x240 --path swing > "$work/stdoutpx" 2> "$work/stderrpx" || rc=$?
cat "$work/stdoutpx" "$work/stderrpx"
expect "parallax: exit code 0" '[ "$rc" = 0 ]'
frames() { ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames,width,height -of csv=p=0 "$1"; }
expect "parallax MP4: ffprobe reads 18 frames of 320x240" '[ "$(frames "$work/px/c_depth_parallax.mp4")" = "320,240,18" ]'
expect "side-by-side video: 18 frames of 640x240" '[ "$(frames "$work/px/c_depth_sbs_video.mp4")" = "640,240,18" ]'
# (libwebp merges a frame that looks like the one before into its duration: the durations add up
# to the 18 frames' 1.5 s.)
expect "parallax WebP: PIL reads 1.5 s of 320x240 frames, the frames move" '/usr/bin/python3 -c "
from PIL import Image, ImageChops, ImageStat
im = Image.open(\"$work/px/c_depth_parallax.webp\")
assert im.format == \"WEBP\" and im.is_animated and 9 <= im.n_frames <= 18 and im.size == (320, 240), (im.n_frames, im.size)
total = 0
for i in range(im.n_frames):
    im.seek(i); im.load(); total += im.info[\"duration\"]
assert abs(total - 1500) <= 2, total
im.seek(0); a = im.convert(\"RGB\"); im.seek(im.n_frames // 4); b = im.convert(\"RGB\")
assert max(ImageStat.Stat(ImageChops.difference(a, b)).mean) > 1
"'
rc=0
"$cli" "$work/in/c.jpg" -o "$work/pxk" --model fastdepth --format parallax-webm --seconds 1 --fps 10 --frame-size 160x120 \
  --keys "0:-0.1,0,0;0.5:0.1,0.05,0.3;1:0,0,0" > /dev/null 2> "$work/stderrpxk" || rc=$?
cat "$work/stderrpxk"
expect "keyframes WebM: 10 frames" '[ "$rc" = 0 ] && [ "$(frames "$work/pxk/c_depth_parallax.webm")" = "160,120,10" ]'
rc=0
"$cli" "$work/in/c.jpg" -o "$work/px8k" --model fastdepth --format sbs-video --frame-size 4000x2000 > /dev/null 2> "$work/stderrpx8k" || rc=$?
cat "$work/stderrpx8k"
expect "parallax over 8K: refused with the size" '[ "$rc" = 1 ] && grep -q "c_depth_sbs_video.mp4: parallax: a 8000 x 2000 video is over 8K" "$work/stderrpx8k"'
expect "parallax over 8K: no file left" '[ -z "$(ls -A "$work/px8k" 2>/dev/null)" ]'
finish
