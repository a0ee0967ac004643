#!/usr/bin/env bash
# The 3D photo's exports from the native viewer (Xvfb), as a person makes them: a parallax MP4
# (ffprobe: its frame count and size), a keyframed animated WebP (PIL: frames, durations), a
# side-by-side video cancelled half way (no file left, the viewer goes on), then the layered GLB
# and a side-by-side image through Export (PIL, the GLB's JSON); the window stays live while an
# export runs (frames are drawn between its frames: the screenshot shows the progress bar).
# Screenshots in build/viewer-shots/3d_exports for a person to look at.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=$ROOT/../shared
viewer=$ROOT/build/native/src/depthview-viewer
photo=$SHARED/photos/da2/demo01.jpg
if [ ! -f "$photo" ] || [ ! -f "$SHARED/models/fastdepth.onnx" ]; then echo "SKIPPED: ../shared not found"; exit 77; fi
command -v ffprobe > /dev/null || { echo "SKIPPED: ffprobe is not installed"; exit 77; }
shots=$ROOT/build/viewer-shots/3d_exports
rm -rf "$shots"; mkdir -p "$shots"
export XDG_CONFIG_HOME=$shots/config  # a clean settings file, not the user's
out=$shots/export
script="open $photo; wait-depth; frames 3; set parallax-seconds 2; set parallax-fps 15; set parallax-size 480;
  export-parallax parallax-mp4 $out; wait-parallax 10; shot $shots/1_exporting.png; state; wait-parallax; state;
  set parallax-path keyframes; set parallax-keys 0:-0.1,0,0 0.5:0.1,0.05,0.3 1:0,0,0; export-parallax parallax-webp $out;
  wait-parallax; state;
  set parallax-path swing; export-parallax sbs-video $out; wait-parallax 8; cancel-parallax; frames 2; state;
  formats glb-layered,sbs; export $out; frames 2; shot $shots/2_after.png; state; quit"
timeout 300 xvfb-run -a -s '-screen 0 1280x800x24' "$viewer" --model fastdepth --width 1280 --height 800 --no-vsync \
  --script "$script" 2>&1 | tee "$shots/log.txt"
/usr/bin/python3 - "$shots" <<'PY'
import json, os, re, struct, subprocess, sys
from PIL import Image
shots = sys.argv[1]; out = os.path.join(shots, "export")
log = open(os.path.join(shots, "log.txt")).read()
states = [json.loads(m) for m in re.findall(r"state (\{.*\})", log)]
fails = []
def check(name, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + f"{name} ({detail})")
    if not ok: fails.append(name)
running, mp4_done, webp_done, cancelled, after = states
p = running["parallax"]
check("the export runs while the window draws", p["running"] and 10 <= p["done"] < p["total"] == 30, p)
check("MP4 done", mp4_done["parallax"]["outcome"] == "done" and mp4_done["error"] == "", mp4_done["parallax"])
mp4 = os.path.join(out, "demo01_depth_parallax.mp4")
probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                        "stream=nb_read_frames,width,height", "-of", "csv=p=0", mp4], capture_output=True, text=True).stdout.strip()
w, h, n = (int(v) for v in probe.split(","))
check("ffprobe: 30 frames, 480 on the longer side", n == 30 and max(w, h) == 480, probe)
check("WebP done", webp_done["parallax"]["outcome"] == "done", webp_done["parallax"])
im = Image.open(os.path.join(out, "demo01_depth_parallax.webp"))
total = 0
for i in range(im.n_frames):
    im.seek(i); im.load(); total += im.info["duration"]
check("PIL: an animated WebP of 2 s", im.is_animated and im.n_frames >= 10 and abs(total - 2000) <= 2, (im.n_frames, total))
check("cancelled side-by-side video: no file", cancelled["parallax"]["outcome"] == "cancelled" and
      not os.path.exists(os.path.join(out, "demo01_depth_sbs_video.mp4")), cancelled["parallax"])
sbs = Image.open(os.path.join(out, "demo01_depth_sbs.jpg"))
check("Export: side-by-side image, twice as wide", sbs.size[0] == 2 * round(sbs.size[1] * w / h) or abs(sbs.size[0] / sbs.size[1] - 2 * w / h) < 0.02, sbs.size)
b = open(os.path.join(out, "demo01_depth_layered.glb"), "rb").read()
n, kind = struct.unpack("<I4s", b[12:20])
g = json.loads(b[20:20 + n])
check("Export: layered GLB with two textured meshes", kind == b"JSON" and len(g["meshes"]) == 2 and len(g["textures"]) == 2,
      [m["name"] for m in g["meshes"]])
check("the viewer went on: no error, depth still shown", after["error"] == "" and after["has_depth"], after["status"])
sys.exit(1 if fails else 0)
PY
