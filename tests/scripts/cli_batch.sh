#!/usr/bin/env bash
# depthview CLI on a batch with good and bad files: the good ones are written at the photo's
# size (PNG re-read, PFM header checked), each bad one gets one error line, the batch goes on,
# the exit code is 1; an output folder that cannot be created stops at once with exit code 2.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=$ROOT/../shared
cli=$ROOT/build/native/src/depthview
if [ ! -f "$SHARED/models/fastdepth.onnx" ]; then echo "SKIPPED: ../shared/models not found"; exit 0; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
cp "$SHARED/eval/slambook2/ch5/rgbd/color/1.png" "$work/in/a.png"
cp "$SHARED/photos/da2/demo03.jpg" "$work/in/c.jpg"
echo "this is not an image" > "$work/in/b.jpg"
head -c 3000 "$SHARED/photos/da2/demo04.jpg" > "$work/in/d_truncated.jpg"
fails=0
expect() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi; }

rc=0
"$cli" "$work/in" "$work/missing.png" -o "$work/out" --model fastdepth --format png,color,pfm,exr,ply,obj,glb --colormap turbo \
  > "$work/stdout" 2> "$work/stderr" || rc=$?
cat "$work/stdout" "$work/stderr"
expect "exit code 1 when some photos fail" '[ "$rc" = 1 ]'
expect "two photos done" 'grep -q "2 of 5 photos done" "$work/stdout"'
expect "shape, model and time printed" 'grep -qE "depth 1x1x320x320, FastDepth \(test model\), [0-9]+ ms" "$work/stdout"'
expect "one error line per bad file" '[ "$(grep -c "error:" "$work/stderr")" = 3 ]'
expect "non-image named" 'grep -q "b.jpg: not a supported image" "$work/stderr"'
expect "truncated JPEG named" 'grep -q "d_truncated.jpg: cannot decode" "$work/stderr"'
expect "missing file named" 'grep -q "missing.png: cannot open the file" "$work/stderr"'
expect "outputs at the photo's size" '/usr/bin/python3 -c "
from PIL import Image
import sys
for name, photo in ((\"a\", \"a.png\"), (\"c\", \"c.jpg\")):
    d = Image.open(\"$work/out/\" + name + \"_depth.png\"); p = Image.open(\"$work/in/\" + photo)
    assert d.size == p.size and d.mode == \"L\", (d.size, p.size, d.mode)
    c = Image.open(\"$work/out/\" + name + \"_depth_turbo.png\")
    assert c.size == p.size and c.mode == \"RGB\", (c.size, c.mode)
    head = open(\"$work/out/\" + name + \"_depth.pfm\", \"rb\").read(64).split(b\"\\n\")
    assert head[0] == b\"Pf\" and head[1].split() == [str(p.width).encode(), str(p.height).encode()], head
    assert open(\"$work/out/\" + name + \"_depth.exr\", \"rb\").read(4) == bytes([0x76, 0x2f, 0x31, 0x01])
    assert Image.open(\"$work/out/\" + name + \"_depth_texture.jpg\").size == p.size
    assert open(\"$work/out/\" + name + \"_depth.ply\", \"rb\").read(3) == b\"ply\"
    assert open(\"$work/out/\" + name + \"_depth.glb\", \"rb\").read(4) == b\"glTF\"
    assert \"map_Kd \" + name + \"_depth_texture.jpg\" in open(\"$work/out/\" + name + \"_depth.mtl\").read()
"'
rc=0
"$cli" "$work/in/a.png" -o /proc/depthview-cannot-write --model fastdepth > /dev/null 2> "$work/stderr2" || rc=$?
expect "unwritable output folder: exit 2 and a message" '[ "$rc" = 2 ] && grep -q "cannot create the output folder" "$work/stderr2"'
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
