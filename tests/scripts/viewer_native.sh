#!/usr/bin/env bash
# The native viewer in a real window (Xvfb + Mesa llvmpipe), driven by its --script option as a
# person would use it: open a street photo, wait for the depth, look at the relief, orbit, switch
# to the point cloud and the wireframe, export, switch to the fast int8 mode, quit. The screenshots
# are checked (the depth panel is not uniform and is brighter at the bottom than at the sky; the
# relief changes when rotated; the point cloud differs from the relief; int8 depth is close to
# fp32), the exports are parsed, and the frame times printed.
# Screenshots stay in build/viewer-shots for a person to look at.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=$ROOT/../shared
viewer=$ROOT/build/native/src/depthview-viewer
photo=$SHARED/photos/da2/demo01.jpg
if [ ! -f "$photo" ] || [ ! -f "$SHARED/models/fastdepth.onnx" ]; then echo "SKIPPED: ../shared not found"; exit 77; fi
shots=$ROOT/build/viewer-shots
rm -rf "$shots"; mkdir -p "$shots"
export XDG_CONFIG_HOME=$shots/config  # a clean settings file, not the user's
script="open $photo; wait-depth; frames 5; shot $shots/1_relief.png; orbit 25 0; frames 3; shot $shots/6_layered_15deg.png;
  set layered 0; frames 3; shot $shots/7_cut_15deg.png; set layered 1; orbit 235 90; frames 3; shot $shots/2_orbited.png;
  set view points; frames 3; shot $shots/3_points.png; set view relief; set wireframe 1; set mesh 64; frames 3;
  shot $shots/4_wireframe.png; set wireframe 0; set mesh 256; export $shots/export; frames 30; stats; state;
  set int8 1; wait-depth; frames 3; shot $shots/5_int8.png; state; quit"
timeout 300 xvfb-run -a -s '-screen 0 1280x800x24' "$viewer" --model fastdepth --width 1280 --height 800 --no-vsync \
  --script "$script" 2>&1 | tee "$shots/log.txt"
/usr/bin/python3 - "$shots" <<'PY'
import json, os, re, sys
import numpy as np
from PIL import Image
shots = sys.argv[1]
load = lambda n: np.asarray(Image.open(os.path.join(shots, n)).convert("RGB"), dtype=np.float64)
a, b, c, d, e = (load(n) for n in ("1_relief.png", "2_orbited.png", "3_points.png", "4_wireframe.png", "5_int8.png"))
fails = []
def check(name, ok, detail):
    print(("ok: " if ok else "FAIL: ") + f"{name} ({detail})")
    if not ok: fails.append(name)
# The depth window sits at the top right; its right half shows the depth map (grey, bright = near).
panel = a[60:290, 1100:1260].mean(axis=2)
check("depth panel is not uniform", panel.std() > 20, f"std {panel.std():.1f}")
check("street (bottom) nearer than sky (top)", panel[-40:].mean() > panel[:40].mean() + 30,
      f"bottom {panel[-40:].mean():.0f}, top {panel[:40].mean():.0f}")
view = (slice(320, 800), slice(350, 900))  # the 3D view, clear of the panels
moved = np.abs(a[view] - b[view]).mean()
check("relief changes when rotated", moved > 10, f"mean abs difference {moved:.1f}")
points = np.abs(a[view] - c[view]).mean()
check("point cloud differs from the relief", points > 5, f"mean abs difference {points:.1f}")
wire = np.abs(a[view] - d[view]).mean()
check("wireframe overlay visible", wire > 3, f"mean abs difference {wire:.1f}")
exp = os.path.join(shots, "export")
names = sorted(os.listdir(exp))
check("exports written", "demo01_depth_16bit.png" in names and "demo01_depth.glb" in names, ", ".join(names))
png16 = Image.open(os.path.join(exp, "demo01_depth_16bit.png"))
check("16-bit depth export", png16.mode.startswith("I") and png16.size == (2048, 1362), f"{png16.mode} {png16.size}")
check("GLB export", open(os.path.join(exp, "demo01_depth.glb"), "rb").read(4) == b"glTF", "magic")
log = open(os.path.join(shots, "log.txt")).read()
state, state_int8 = (json.loads(m) for m in re.findall(r"state (\{.*\})", log))
check("no error shown", state["error"] == "" and state_int8["error"] == "", state["error"] + state_int8["error"])
panel8 = e[60:290, 1100:1260].mean(axis=2)
close = np.abs(panel8 - panel).mean()
check("int8 mode: depth close to fp32", state_int8["int8"] and state_int8["has_depth"] and close < 8 and
      panel8[-40:].mean() > panel8[:40].mean() + 30, f"mean abs difference {close:.1f} grey levels, model {state_int8.get('model_ms', 0):.0f} ms vs fp32 {state.get('model_ms', 0):.0f} ms")
# The 3D photo at 15 deg: the cut relief shows the window's background through its holes, the
# layered one the inpainted background behind the edges.
clear = np.array([23, 26, 31])
inside = (slice(200, 600), slice(380, 900))  # inside the relief's outline at this view
holes = lambda img: int((np.abs(img[inside] - clear).sum(axis=2) < 6).sum())
lay, cut = load("6_layered_15deg.png"), load("7_cut_15deg.png")
check("3D photo: fewer holes than the cut relief at 15 degrees", state["layered"] and state["layers"] is not None and
      holes(lay) * 4 < holes(cut), f"{holes(lay)} vs {holes(cut)} background pixels inside the relief, layers {state.get('layers')}")
print("frame times (llvmpipe):", state["frame_stats"])
sys.exit(1 if fails else 0)
PY

# A model file the manifest does not list, dropped on the window with a photo: the viewer runs it
# and says its assumptions in the status line; a variant that is not installed offers its download
# (tests/scripts/viewer_download.sh downloads one).
mine=$shots/mine
mkdir -p "$mine"
cp "$SHARED/models/fastdepth.onnx" "$mine/my_depth.onnx"
script="wait-depth; drop $photo $mine/my_depth.onnx; wait-depth; state; open $photo; wait-depth; frames 3; state;
  model depth-anything-v2-small fp16; frames 3; state; quit"
timeout 300 xvfb-run -a -s '-screen 0 1280x800x24' "$viewer" --model fastdepth --width 1280 --height 800 --no-vsync \
  --script "$script" 2>&1 | tee "$shots/log_model_file.txt"
/usr/bin/python3 - "$shots/log_model_file.txt" <<'PY'
import json, re, sys
log = open(sys.argv[1]).read()
loaded, ran, variant = (json.loads(m) for m in re.findall(r"state (\{.*\})", log))
note = ("my_depth.onnx: not in the manifest; input 320x320 fixed from the file, mean/std assumed ImageNet "
        "(--mean/--std to change), output assumed inverse depth (--output to change)")
fails = []
def check(name, ok, detail):
    print(("ok: " if ok else "FAIL: ") + f"{name} ({detail})")
    if not ok: fails.append(name)
check("dropped model file chosen, assumptions in the status line", loaded["model"].endswith("/my_depth.onnx")
      and loaded["model_note"] == note and loaded["status"] == note and loaded["error"] == "", json.dumps(loaded)[:400])
check("and the photo's depth comes from it", ran["has_depth"] and ran["error"] == "" and ran["model_note"] == note,
      f"status {ran['status']!r}, error {ran['error']!r}")
installed = variant["error"] == "" and variant["status"].startswith("estimating depth")  # fp16 is there
check("a variant that is not installed: no error, the status offers its download", variant["variant"] == "fp16" and
      variant["error"] == "" and variant["status"] ==
      "Depth Anything V2 Small (49.6 MB) is not installed: press Download to fetch it" or installed,
      f"status {variant['status']!r}, error {variant['error']!r}")
sys.exit(1 if fails else 0)
PY
