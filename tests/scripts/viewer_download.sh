#!/usr/bin/env bash
# The desktop viewer downloads its model (Xvfb + llvmpipe, driven by --script) from the stand-in
# hub (tests/support/hub_server.mjs) under a test manifest whose FastDepth file is only on the hub:
#  - wrong bytes from the hub: the error is shown in the panel, nothing is installed, no .part;
#  - a slow hub (8 Mbit/s): the panel offers "Download FastDepth ... (5.4 MB)"; a download is
#    cancelled (the .part kept), started again (it resumes with a Range request), screenshot while
#    the progress bar runs, then the depth of the open photo comes from the downloaded model.
# Screenshots stay in build/viewer-download-shots for a person to look at.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared models/fastdepth.onnx photos/da2/demo01.jpg
viewer=$ROOT/build/native/src/depthview-viewer
model=$SHARED/models/fastdepth.onnx
photo=$SHARED/photos/da2/demo01.jpg
[ -x "$viewer" ] || { echo "FAIL: $viewer is not built (scripts/build native)"; exit 1; }
shots=$ROOT/build/viewer-download-shots
rm -rf "$shots"; mkdir -p "$shots/hub"
hub_pid=
trap '[ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null; rm -rf "$work"' EXIT
ln -s "$model" "$shots/hub/fastdepth_hub.onnx"
node "$ROOT/tests/support/hub_server.mjs" --dir "$shots/hub" --port 0 --log "$shots/hub.log" >"$shots/hub.out" 2>&1 &
hub_pid=$!
for _ in $(seq 50); do grep -q "listening on" "$shots/hub.out" && break; sleep 0.1; done
hub=$(sed -n 's|^hub: listening on \(http://[^ ]*\)/$|\1|p' "$shots/hub.out")
[ -n "$hub" ] || { echo "FAIL: the hub did not start: $(cat "$shots/hub.out")"; exit 1; }
mode() { curl -sf "$hub/__hub/mode?$1" >/dev/null; }
/usr/bin/python3 - "$shots/models.json" "$hub" "$(stat -L -c %s "$model")" "$(sha256sum "$model" | cut -d' ' -f1)" <<'PY'
import json, sys
out, hub, size, sha = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
json.dump({"schema": 1, "download_base": None, "preference": ["fastdepth"], "models": [{
    "id": "fastdepth", "name": "FastDepth (hub test)", "license": "tests",
    "variants": {"fp32": {"file": "fastdepth_hub.onnx", "size": size, "sha256": sha, "url": hub + "/fastdepth_hub.onnx"}},
    "input": {"policy": "fixed", "height": 320, "width": 320},
    "normalization": {"mean": [0, 0, 0], "std": [1, 1, 1]}, "output": "metric_depth"}]}, open(out, "w"))
PY
export XDG_CONFIG_HOME=$shots/config XDG_DATA_HOME=$shots/data  # clean settings, downloads kept here
unset DEPTHVIEW_MODELS_JSON DEPTHVIEW_MODEL_HUB
run_viewer() { # run_viewer LOG SCRIPT
  timeout 300 xvfb-run -a -s '-screen 0 1280x800x24' "$viewer" --models-json "$shots/models.json" --width 1280 \
    --height 800 --no-vsync --script "$2" 2>&1 | tee "$shots/$1"
}

mode "corrupt=1"
run_viewer log_corrupt.txt "open $photo; frames 2; download; wait-download; frames 2; shot $shots/0_wrong_bytes.png; state; quit"
ls -A "$XDG_DATA_HOME/depthview/models" >"$shots/left_after_wrong_bytes.txt" 2>/dev/null || true
mode "corrupt=0&rate=8"
script="open $photo; frames 2; shot $shots/1_offer.png; state; download; wait-download 0.15; cancel-download;
  wait-download; frames 1; state; download; wait-download 0.5; frames 1; shot $shots/2_downloading.png; state;
  wait-download; wait-depth; frames 3; shot $shots/3_after.png; state; quit"
t0=$(date +%s.%N)
run_viewer log.txt "$script"
t1=$(date +%s.%N)
echo "viewer run: $(/usr/bin/python3 -c "print(f'{$t1 - $t0:.1f}')") s"

/usr/bin/python3 - "$shots" "$(sha256sum "$model" | cut -d' ' -f1)" <<'PY'
import hashlib, json, os, re, sys
import numpy as np
from PIL import Image
shots, sha = sys.argv[1], sys.argv[2]
dest = os.path.join(shots, "data", "depthview", "models")
fails = []
def check(name, ok, detail):
    print(("ok: " if ok else "FAIL: ") + f"{name} ({detail})")
    if not ok: fails.append(name)
states = lambda log: [json.loads(m) for m in re.findall(r"state (\{.*\})", open(os.path.join(shots, log)).read())]
load = lambda n: np.asarray(Image.open(os.path.join(shots, n)).convert("RGB"), dtype=np.int32)
# ImGui's progress bar fill (PlotHistogram, 0.90/0.70/0.00) in the controls panel at the top left.
bar_pixels = lambda img: int(((img[:, :, 0] > 200) & (img[:, :, 1] > 150) & (img[:, :, 1] < 200) &
                              (img[:, :, 2] < 60))[0:480, 0:340].sum())

(wrong,) = states("log_corrupt.txt")
check("wrong bytes: the error in the panel, nothing installed, no .part",
      "is not the published file: its sha256 is" in wrong["error"] and "nothing was installed" in wrong["error"]
      and not wrong["has_depth"] and open(os.path.join(shots, "left_after_wrong_bytes.txt")).read() == "", wrong["error"])

offer, cancelled, mid, after = states("log.txt")
check("not installed: the status offers the download, no error",
      offer["status"] == "FastDepth (hub test) (5.4 MB) is not installed: press Download to fetch it" and offer["error"] == "",
      offer["status"])
check("cancel: said in the status, the .part kept", cancelled["status"].startswith("download of fastdepth_hub.onnx cancelled; ")
      and "kept in " in cancelled["status"] and cancelled["error"] == "", cancelled["status"])
d = mid.get("download", {})
check("mid-download: running, at least half, with a rate", d.get("running") and d["total"] == 5445774 and
      d["total"] * 0.5 <= d["bytes"] < d["total"] and d["bytes_per_s"] > 0,
      f"{d.get('bytes', 0) / 1e6:.1f} of {d.get('total', 0) / 1e6:.1f} MB, {d.get('bytes_per_s', 0) / 1e6:.2f} MB/s")
shot_mid, shot_after = load("2_downloading.png"), load("3_after.png")
check("mid-download screenshot: the progress bar is drawn", bar_pixels(shot_mid) > 500, f"{bar_pixels(shot_mid)} bar pixels")
check("after: no progress bar", bar_pixels(shot_after) < 50, f"{bar_pixels(shot_after)} bar pixels")
panel = shot_after[60:290, 1100:1260].mean(axis=2)
check("after: the depth of the photo from the downloaded model", after["has_depth"] and after["error"] == "" and
      panel.std() > 20 and panel[-40:].mean() > panel[:40].mean() + 30,
      f"status {after['status']!r}, depth panel std {panel.std():.1f}")
path = os.path.join(dest, "fastdepth_hub.onnx")
got = hashlib.sha256(open(path, "rb").read()).hexdigest() if os.path.exists(path) else "missing"
check("installed in the user models folder, sha256 right, no .part", got == sha and os.listdir(dest) == ["fastdepth_hub.onnx"],
      f"{got}, {os.listdir(dest)}")
log = [json.loads(l) for l in open(os.path.join(shots, "hub.log"))]
ranges = [e for e in log if e["range"]]
check("hub log: GETs only, no body, cookie or referer; the download after Cancel resumed with a Range",
      all(e["method"] == "GET" and not e["body"] and not e["cookie"] and not e["referer"] for e in log)
      and len(ranges) == 1 and ranges[0]["status"] == 206,
      "; ".join(f"{e['status']} {e['range'] or 'whole'} {e['sent']} bytes" for e in log))
msg = re.search(r"downloaded FastDepth \(hub test\) \(5.4 MB\): .*", open(os.path.join(shots, "log.txt")).read())
print("viewer:", msg.group(0) if msg else "no download line")
sys.exit(1 if fails else 0)
PY
