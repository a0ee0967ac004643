#!/usr/bin/env bash
# Measured depth in the native viewer (Xvfb + llvmpipe), as a person would use it: the Pixel's
# Dynamic Depth photo says it carries depth and shows camera, fused and error views and a metric
# point cloud, and exports fused depth in metres; a TUM RGB-D pair dropped together (photo + 16-bit
# depth PNG, in either order) fuses once its units are set to TUM, and the error view shows the
# model's AbsRel / δ1; the iPhone HEIC shows its depth image; a depth file of another aspect ratio
# is one clear error and the photo still gets the model's depth. Screenshots: build/viewer-shots/measured.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared phone/pixel8_dynamic_depth_flowers.jpg phone/iphone_portrait_pug.heic eval/slambook2/ch7/1.png models/fastdepth.onnx
viewer=$ROOT/build/native/src/depthview-viewer
shots=$ROOT/build/viewer-shots/measured
rm -rf "$shots"; mkdir -p "$shots"
export XDG_CONFIG_HOME=$shots/config  # a clean settings file, not the user's
pixel=$SHARED/phone/pixel8_dynamic_depth_flowers.jpg
tum=$SHARED/eval/slambook2/ch7
/usr/bin/python3 -c "
from PIL import Image
Image.open('$tum/1_depth.png').crop((0, 0, 640, 360)).save('$work/wide_depth.png')"
script="open $pixel; wait-depth; frames 3; shot $shots/1_pixel_fused.png; state;
  set depth-view measured; frames 3; shot $shots/2_pixel_camera.png; set view points; frames 3;
  shot $shots/3_pixel_points.png; state; set view relief; set depth-view error; frames 3; shot $shots/4_pixel_error.png;
  formats png16; export $shots/export;
  drop $tum/1_depth.png $tum/1.png; wait-depth; set sensor-preset tum; wait-depth; set depth-view error; frames 3;
  shot $shots/5_tum_error.png; state;
  open $SHARED/phone/iphone_portrait_pug.heic; wait-depth; set depth-view measured; frames 3; shot $shots/6_iphone.png; state;
  drop $tum/1.png $work/wide_depth.png; wait-depth; frames 2; state; quit"
timeout 600 xvfb-run -a -s '-screen 0 1280x800x24' "$viewer" --model fastdepth --width 1280 --height 800 --no-vsync \
  --script "$script" > "$shots/log.txt" 2>&1 || true
cat "$shots/log.txt"
/usr/bin/python3 - "$shots" <<'PY' || fails=$((fails + 1))
import json, os, re, struct, sys
import numpy as np
from PIL import Image
shots = sys.argv[1]
log = open(os.path.join(shots, "log.txt")).read()
states = [json.loads(m) for m in re.findall(r"state (\{.*\})", log)]
fails = []
def check(name, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + name + (f" ({detail})" if detail else ""))
    if not ok: fails.append(name)
check("five states printed", len(states) == 5, str(len(states)))
pixel, points, tum, iphone, wide = (states + [{}] * 5)[:5]
m = pixel.get("measured") or {}
check("Pixel: camera depth found", m.get("source", "").startswith("camera: Dynamic Depth (RangeInverse"), m.get("source", ""))
check("Pixel: metric, fused view by default", m.get("metric") is True and m.get("view") == "fused", str(m.get("view")))
check("Pixel: model vs camera measured", 0 < m.get("abs_rel", 1) < 0.6 and m.get("valid_pixels", 0) > 100000,
      f"AbsRel {m.get('abs_rel')}, d1 {m.get('delta1')}, {m.get('valid_pixels')} px")
p = points.get("measured") or {}
check("Pixel: metric point cloud keeps the scene's far/near ratio", points.get("points") and
      abs(p.get("far_ratio", 0) - p.get("far", 0) / max(p.get("near", 1), 1e-6)) < 0.05 and p.get("far_ratio", 0) > 2,
      f"near {p.get('near')} m, far {p.get('far')} m, ratio {p.get('far_ratio')}")
load = lambda n: np.asarray(Image.open(os.path.join(shots, n)).convert("RGB"), dtype=np.float64)
fused, camera, cloud, error = (load(n) for n in ("1_pixel_fused.png", "2_pixel_camera.png", "3_pixel_points.png", "4_pixel_error.png"))
view = (slice(320, 800), slice(350, 900))
check("point cloud differs from the relief", np.abs(camera[view] - cloud[view]).mean() > 5)
# The depth window's picture: its colour-mapped right part (the error view is a heat map, not grey).
panel = lambda a: a[60:290, 1100:1260]
sat = lambda a: (panel(a).max(axis=2) - panel(a).min(axis=2)).mean()
check("error view is a colour heat map", sat(error) > 20 and sat(fused) < 5, f"saturation {sat(error):.1f} vs {sat(fused):.1f}")
exp = os.path.join(shots, "export")
names = sorted(os.listdir(exp)) if os.path.isdir(exp) else []
check("fused exports", {"pixel8_dynamic_depth_flowers_depth_fused.pfm", "pixel8_dynamic_depth_flowers_depth_fused.exr",
      "pixel8_dynamic_depth_flowers_depth_fused_mm.png", "pixel8_dynamic_depth_flowers_depth_fused.ply"} <= set(names), ", ".join(names))
check("Pixel: the point cloud sees through the photo's calibrated camera",
      abs(p.get("fov_degrees", 0) - 55.2) < 0.2 and "Dynamic Depth" in p.get("camera", ""), f"{p.get('fov_degrees')} deg, {p.get('camera')}")
ply = os.path.join(exp, "pixel8_dynamic_depth_flowers_depth_fused.ply")
if os.path.exists(ply):
    raw = open(ply, "rb").read()
    head, body = raw.split(b"end_header\n", 1)
    n = int(re.search(rb"element vertex (\d+)", head).group(1))
    xyz = np.frombuffer(body, dtype=np.dtype([("p", "<f4", 3), ("c", "u1", 3)]), count=n)["p"]
    check("fused PLY in metres", b"units metres" in head and 0.2 < -xyz[:, 2].max() and -xyz[:, 2].min() < 5.71 * 1.25,
          f"{n} points, z {-xyz[:, 2].max():.3f}..{-xyz[:, 2].min():.3f} m")
if "pixel8_dynamic_depth_flowers_depth_fused.pfm" in names:
    raw = open(os.path.join(exp, "pixel8_dynamic_depth_flowers_depth_fused.pfm"), "rb").read()
    header = raw.split(b"\n", 3)
    w, h = map(int, header[1].split())
    values = np.frombuffer(header[3][: w * h * 4], dtype="<f4")
    check("fused PFM in metres within the camera's range", 0.2 <= values.min() and values.max() <= 5.71 * 1.25,
          f"{w}x{h}, {values.min():.3f}..{values.max():.3f} m")
    mm = np.asarray(Image.open(os.path.join(exp, "pixel8_dynamic_depth_flowers_depth_fused_mm.png")))
    check("fused 16-bit PNG in millimetres", abs(np.median(mm) - 1000 * np.median(values)) < 2, f"median {np.median(mm)} mm")
t = tum.get("measured") or {}
check("TUM pair: the sensor file read as TUM", "TUM" in t.get("source", "") and t.get("view") == "error", t.get("source", ""))
check("TUM pair: model error in the panel", 0 < t.get("abs_rel", 1) < 0.5 and t.get("delta1", 0) > 0.3,
      f"AbsRel {t.get('abs_rel')}, d1 {t.get('delta1')}")
i = iphone.get("measured") or {}
check("iPhone: HEIC depth image", i.get("source", "").startswith("camera: HEIC depth image (uniform disparity)") and i.get("metric"),
      i.get("source", ""))
check("wrong aspect: one clear error, the photo keeps its depth",
      "different aspect ratios" in wide.get("error", "") and wide.get("has_depth") and wide.get("measured") is None,
      wide.get("error", ""))
sys.exit(1 if fails else 0)
PY
finish
