#!/usr/bin/env bash
# depthview CLI on a batch with good and bad files: the good ones are written at the photo's
# size (PNG re-read, PFM header checked), each bad one gets one error line, the batch goes on,
# the exit code is 1; an output folder that cannot be created stops at once with exit code 2.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared models/fastdepth.onnx
mkdir "$work/in"
cp "$SHARED/eval/slambook2/ch5/rgbd/color/1.png" "$work/in/a.png"
cp "$SHARED/photos/da2/demo03.jpg" "$work/in/c.jpg"
echo "this is not an image" > "$work/in/b.jpg"
head -c 3000 "$SHARED/photos/da2/demo04.jpg" > "$work/in/d_truncated.jpg"
# PNGs made broken on purpose: a bad CRC, a 0x0 header, a header claiming 60000x60000.
/usr/bin/python3 - "$work/in" <<'PY'
import struct, sys, zlib
def png(w, h, crc_ok=True):
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    crc = zlib.crc32(b"IHDR" + ihdr) ^ (0 if crc_ok else 0xFFFF)
    raw = b"".join(b"\0" + b"\x80" * (3 * w) for _ in range(min(h, 4)))
    idat = zlib.compress(raw)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", crc)
            + struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
            + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND")))
open(sys.argv[1] + "/e_badcrc.png", "wb").write(png(4, 4, crc_ok=False))
open(sys.argv[1] + "/f_zero.png", "wb").write(png(0, 0))
open(sys.argv[1] + "/g_huge.png", "wb").write(png(60000, 60000))
PY

rc=0
"$cli" "$work/in" "$work/missing.png" -o "$work/out" --model fastdepth --format png,png16,color,pfm,exr,ply,obj,glb,points --colormap turbo \
  > "$work/stdout" 2> "$work/stderr" || rc=$?
cat "$work/stdout" "$work/stderr"
expect "exit code 1 when some photos fail" '[ "$rc" = 1 ]'
expect "two photos done" 'grep -q "2 of 8 files done" "$work/stdout"'
expect "shape, model and time printed" 'grep -qE "depth 1x1x320x320, FastDepth \(test model\), [0-9]+ ms" "$work/stdout"'
expect "one error line per bad file" '[ "$(grep -c "error:" "$work/stderr")" = 6 ]'
expect "bad CRC named" 'grep -q "e_badcrc.png: cannot decode the PNG (IHDR: CRC error)" "$work/stderr"'
expect "0x0 image named" 'grep -q "f_zero.png: cannot decode the PNG (Invalid IHDR data: Image width is zero in IHDR)" "$work/stderr"'
expect "60000x60000 header refused" 'grep -q "g_huge.png: the image is 60000x60000 (3600 MP), more than the limit of 100 MP" "$work/stderr"'
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
    d16 = Image.open(\"$work/out/\" + name + \"_depth_16bit.png\")
    assert d16.size == p.size and d16.mode.startswith(\"I\") and d16.getextrema()[1] > 255, (d16.mode, d16.getextrema())
    assert open(\"$work/out/\" + name + \"_depth_points.ply\", \"rb\").read(3) == b\"ply\"
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
finish
