#!/usr/bin/env bash
# depthview CLI with sensor depth: a TUM RGB-D frame of ../shared/eval fused with its depth PNG
# (--sensor-preset tum and --sensor-scale 5000 give the same result) writes a PFM in metres that
# keeps every sensor pixel and fills the rest, and a 16-bit PNG of the same in millimetres, and
# prints the model's AbsRel / d1 against the sensor; a KITTI scan with its calibration
# (--lidar/--calib) does the same. Both write the fused depth as a coloured point cloud in metres
# (NAME_fused.ply): through the calibration's camera for KITTI, a 60° guess (said so) for the TUM
# frame, whose PNG states no camera. Bad input, one clear error each: a depth map of another aspect
# ratio, a calibration without R0_rect, --sensor without a decoding, an unknown preset.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared models/fastdepth.onnx eval/slambook2/ch7/1.png eval/slambook2/ch7/1_depth.png \
  lidar/kitti_object/velodyne/000000.bin
tum=$SHARED/eval/slambook2/ch7
kitti=$SHARED/lidar/kitti_object

# Compares the fused PFM with the sensor PNG (value / 5000 m) and the millimetre PNG with the PFM.
check_fused() {  # PFM MM_PNG SENSOR_PNG -> "ok" or the first problem
  /usr/bin/python3 - "$@" <<'PY'
import sys, zlib, struct
import numpy as np
def png16(path):  # 16-bit grey, non-interlaced (what depthview and TUM write)
    data = open(path, 'rb').read(); pos = 8; idat = b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
        if kind == b'IHDR': w, h, bits, colour = struct.unpack('>IIBB', body[:10])
        if kind == b'IDAT': idat += body
    assert bits == 16 and colour == 0, f'{path}: {bits}-bit colour type {colour}, expected 16-bit grey'
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + 2 * w)
    rows = np.zeros((h, 2 * w), np.int32); prev = np.zeros(2 * w, np.int32)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32); out = np.zeros(2 * w, np.int32)
        for x in range(2 * w):
            a = out[x - 2] if x >= 2 else 0; b = prev[x]; c = prev[x - 2] if x >= 2 else 0
            p = {0: 0, 1: a, 2: b, 3: (a + b) // 2}.get(f)
            if p is None:
                q = a + b - c; pa, pb, pc = abs(q - a), abs(q - b), abs(q - c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out[x] = (line[x] + p) & 255
        rows[y] = out; prev = out
    return (rows[:, 0::2] << 8) | rows[:, 1::2]
pfm, mm, sensor = sys.argv[1:4]
data = open(pfm, 'rb').read()
head = data.split(b'\n', 3)
assert head[0] == b'Pf' and float(head[2]) < 0, 'not a little-endian grey PFM'
w, h = map(int, head[1].split())
d = np.frombuffer(head[3], '<f4').reshape(h, w)[::-1]
s = png16(sensor) / 5000.0
assert np.isfinite(d).all() and (d > 0).all(), 'holes or non-finite values left'
valid = s > 0
assert np.allclose(d[valid], s[valid], rtol=1e-6), 'a sensor pixel was changed'
assert (png16(mm) == np.round(np.minimum(d * 1000, 65535))).all(), 'the millimetre PNG differs from the PFM'
print('ok', w, h, f'{(~valid).mean() * 100:.1f}% filled')
PY
}

# The metric PLY: binary, "units metres", the header's vertex count, every point in front of the
# camera at a plausible depth and inside the camera's field of view (|x / depth| at most what the
# edge pixel farthest from the principal point sees).
check_ply() {  # PLY MIN_DEPTH MAX_DEPTH MAX_X_OVER_DEPTH -> "ok N near far" or the first problem
  /usr/bin/python3 - "$@" <<'PY'
import sys
import numpy as np
path, low, high, max_tan = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
data = open(path, 'rb').read()
end = data.index(b'end_header\n') + len(b'end_header\n')
header = data[:end].decode()
assert 'format binary_little_endian 1.0\n' in header, 'not a binary little-endian PLY'
assert 'comment units metres\n' in header, 'no "comment units metres"'
n = int(header.split('element vertex ')[1].split('\n')[0])
v = np.frombuffer(data[end:], dtype=[('x', '<f4'), ('y', '<f4'), ('z', '<f4'), ('r', 'u1'), ('g', 'u1'), ('b', 'u1')])
assert len(v) == n, f'{len(v)} vertices, the header says {n}'
depth = -v['z']
assert np.isfinite(depth).all() and (depth > 0).all(), 'a point behind the camera or not finite'
assert low <= depth.min() and depth.max() <= high, f'depths {depth.min():.2f}..{depth.max():.2f} m, not within {low}..{high}'
assert (np.abs(v['x'] / depth) <= max_tan * 1.0001).all(), 'a point outside the field of view'
print('ok', n, f'{depth.min():.2f} {depth.max():.2f}')
PY
}

rc=0
"$cli" "$tum/1.png" --sensor "$tum/1_depth.png" --sensor-preset tum --model fastdepth -o "$work/a" > "$work/a.txt" 2>&1 || rc=$?
cat "$work/a.txt"
expect "TUM preset: exit 0" '[ "$rc" = 0 ]'
expect "model vs sensor printed" 'grep -qE "model vs sensor .*AbsRel [0-9.]+  d1 [0-9.]+" "$work/a.txt"'
expect "fit printed" 'grep -q "fused: inverse depth = " "$work/a.txt"'
expect "PFM, PNG and confidence written" '[ -s "$work/a/1_fused.pfm" ] && [ -s "$work/a/1_fused_mm.png" ] && [ -s "$work/a/1_fused_confidence.png" ]'
result=$(check_fused "$work/a/1_fused.pfm" "$work/a/1_fused_mm.png" "$tum/1_depth.png" 2>&1 || true)
echo "$result"
expect "PFM: metres, sensor kept, holes filled; PNG: the same in millimetres" '[[ "$result" == "ok 640 480"* ]]'
expect "TUM: no camera stated, the 60° guess said" 'grep -q "1.png states no camera intrinsics.*60° horizontal field of view" "$work/a.txt"'
result=$(check_ply "$work/a/1_fused.ply" 0.2 15 0.5774 2>&1 || true)  # tan 30°
echo "PLY: $result"
expect "TUM PLY: metres, all 640x480 pixels, 0.2-15 m, inside 60°" '[[ "$result" == "ok 307200 "* ]]'
"$cli" "$tum/1.png" --sensor "$tum/1_depth.png" --sensor-scale 5000 --model fastdepth -o "$work/b" > /dev/null 2>&1 || true
expect "--sensor-scale 5000 equals --sensor-preset tum" 'cmp -s "$work/a/1_fused.pfm" "$work/b/1_fused.pfm"'

rc=0
"$cli" "$kitti/image_2/000000.png" --lidar "$kitti/velodyne/000000.bin" --calib "$kitti/calib/000000.txt" --model fastdepth \
  -o "$work/k" > "$work/k.txt" 2>&1 || rc=$?
cat "$work/k.txt"
expect "KITTI LiDAR: exit 0, 1224x370 PFM" '[ "$rc" = 0 ] && head -c 20 "$work/k/000000_fused.pfm" | grep -q "1224 370"'
expect "LiDAR pixels counted" 'grep -q "20209 sensor pixels" "$work/k.txt"'
# P2: fx = 707.0493 px across 1224 pixels: 2·atan(612 / 707.0493) = 81.8°; cx = 604.0814, so the
# right edge (pixel 1223) sees x / depth = (1223 − 604.0814) / 707.0493 = 0.8754.
expect "KITTI: the calibration's camera" 'grep -q "camera: KITTI calibration P2, 81.8° horizontal field of view" "$work/k.txt"'
result=$(check_ply "$work/k/000000_fused.ply" 1 150 0.8754 2>&1 || true)
echo "PLY: $result"
expect "KITTI PLY: metres, 1-150 m, inside P2's field of view" '[[ "$result" == "ok "* ]]'

grep -v R0_rect "$kitti/calib/000000.txt" > "$work/no_r0.txt"
rc=0
"$cli" "$kitti/image_2/000000.png" --lidar "$kitti/velodyne/000000.bin" --calib "$work/no_r0.txt" --model fastdepth \
  -o "$work/k2" > "$work/k2.txt" 2>&1 || rc=$?
cat "$work/k2.txt"
expect "calibration without R0_rect: exit 1, the row named" '[ "$rc" = 1 ] && grep -q "no_r0.txt: the calibration has no R0_rect row" "$work/k2.txt"'

rc=0
"$cli" "$kitti/image_2/000000.png" --sensor "$tum/1_depth.png" --sensor-preset tum --model fastdepth -o "$work/c" \
  > "$work/c.txt" 2>&1 || rc=$?
cat "$work/c.txt"
expect "another aspect ratio: exit 1, one error line" '[ "$rc" = 1 ] && [ "$(grep -c "different aspect ratios" "$work/c.txt")" = 1 ]'

rc=0
"$cli" "$tum/1.png" --sensor "$tum/1_depth.png" --model fastdepth -o "$work/d" > "$work/d.txt" 2>&1 || rc=$?
cat "$work/d.txt"
expect "no decoding: exit 2, named" '[ "$rc" = 2 ] && grep -q "needs one of --sensor-scale" "$work/d.txt"'
rc=0
"$cli" "$tum/1.png" --sensor "$tum/1_depth.png" --sensor-preset feet -o "$work/e" > "$work/e.txt" 2>&1 || rc=$?
cat "$work/e.txt"
expect "unknown preset refused with the known ones" '[ "$rc" != 0 ] && grep -q "tum" "$work/e.txt"'
finish
