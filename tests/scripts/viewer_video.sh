#!/usr/bin/env bash
# The native viewer plays a video in a real window (Xvfb + llvmpipe), driven by --script: the
# shared clip plays, depth follows it (frames get depth, slow frames are dropped, not queued), the
# relief and depth panel change as the video moves, pause holds the picture, a seek goes back,
# "stabilised" toggles, a depth video is exported with every frame (ffprobe counts them); a
# damaged video and a missing camera each give one message and the viewer stays up. Screenshots
# stay in build/viewer-video-shots for a person to look at.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=$ROOT/../shared
viewer=$ROOT/build/native/src/depthview-viewer
clip=$SHARED/video/davis_rollercoaster.mp4
if [ ! -f "$clip" ] || [ ! -f "$SHARED/models/fastdepth.onnx" ]; then echo "SKIPPED: ../shared not found"; exit 77; fi
shots=$ROOT/build/viewer-video-shots
rm -rf "$shots"; mkdir -p "$shots/export"
export XDG_CONFIG_HOME=$shots/config
head -c 60000 "$clip" > "$shots/cut.mp4"
script="video $clip; wait-video 3; shot $shots/1_playing.png; state; wait-video 12; shot $shots/2_later.png;
  pause; frames 20; state; frames 20; state; shot $shots/3_paused.png; seek 0.2; frames 30; state;
  set stabilise 0; frames 5; shot $shots/4_raw.png; set stabilise 1; play;
  export-video depth; wait-export; state;
  video $shots/cut.mp4; frames 30; state; camera; frames 5; state;
  open $SHARED/photos/da2/demo01.jpg; wait-depth; frames 3; shot $shots/5_photo_after.png; state; quit"
timeout 400 xvfb-run -a -s '-screen 0 1280x800x24' "$viewer" --model fastdepth --width 1280 --height 800 \
  --export-dir "$shots/export" --script "$script" 2>&1 | tee "$shots/log.txt"
/usr/bin/python3 - "$shots" "$clip" <<'PY'
import json, os, re, subprocess, sys
import numpy as np
from PIL import Image
shots, clip = sys.argv[1], sys.argv[2]
fails = []
def check(name, ok, detail):
    print(("ok: " if ok else "FAIL: ") + f"{name} ({detail})")
    if not ok: fails.append(name)
load = lambda n: np.asarray(Image.open(os.path.join(shots, n)).convert("RGB"), dtype=np.float64)
log = open(os.path.join(shots, "log.txt")).read()
st = [json.loads(m) for m in re.findall(r"state (\{.*\})", log)]
playing, paused1, paused2, seeked, exported, cut, camera, photo = st
v = playing["video"]
check("video mode with depth", v["mode"] == "file" and v["frames_depth"] >= 3 and playing["has_depth"], json.dumps(v))
check("frames in at the clip's rate, dropped counted", v["fps"] == 24 and v["frames_in"] >= v["frames_depth"], f"in {v['frames_in']} depth {v['frames_depth']} dropped {v['dropped']}")
check("pause holds", not paused1["video"]["playing"] and paused1["video"]["frame_index"] == paused2["video"]["frame_index"], f"{paused1['video']['frame_index']} {paused2['video']['frame_index']}")
check("seek goes back", seeked["video"]["frame_index"] <= 8, f"frame {seeked['video']['frame_index']} at {seeked['video']['time_s']:.2f} s")
a, b, p = load("1_playing.png"), load("2_later.png"), load("3_paused.png")
view = (slice(320, 800), slice(350, 900))
moved = np.abs(a[view] - b[view]).mean()
check("relief follows the video", moved > 3, f"mean abs difference {moved:.1f}")
panel = b[60:290, 1100:1260].mean(axis=2)
check("depth panel not uniform", panel.std() > 15, f"std {panel.std():.1f}")
raw = np.abs(load("4_raw.png")[60:290, 1100:1260] - load("3_paused.png")[60:290, 1100:1260]).mean()
print(f"note: depth panel raw vs stabilised differs by {raw:.2f} grey levels")
out = os.path.join(shots, "export", "davis_rollercoaster_depth.mp4")
count = lambda f: subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                  "stream=nb_read_frames,avg_frame_rate", "-of", "csv=p=0", f], capture_output=True, text=True).stdout.strip()
check("export: every frame at the clip's rate", os.path.exists(out) and count(out) == count(clip), f"{count(out) if os.path.exists(out) else 'missing'} vs {count(clip)}")
check("export said", "70 frames exported" in exported["status"], exported["status"])
check("damaged video: one message", "cut.mp4" in cut["error"], cut["error"])
check("no camera: one message", "camera" in camera["error"] and "/dev/video0" in camera["error"], camera["error"])
check("a photo works afterwards", photo["has_depth"] and "video" not in photo and photo["error"] == "", photo["error"])
print("frame times (llvmpipe):", playing["frame_stats"])
sys.exit(1 if fails else 0)
PY
