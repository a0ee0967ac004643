#!/usr/bin/env bash
# The native viewer's panels on narrow and portrait windows (src/app/layout.h) under Xvfb: in a
# phone-shaped window (portrait and landscape) styled for touch, the sheet and the 3D view never
# overlap, the view keeps at least 60 % of the window, nothing is clipped, targets are 44 px tall;
# touch gestures fed as the page feeds them (one finger orbits, a pinch zooms, two fingers pan, a
# double tap resets) move the camera. The same checks on a desktop-sized window. Screenshots in
# build/viewer-shots/layout for a person to look at.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared photos/da2/demo01.jpg models/fastdepth.onnx
viewer=$ROOT/build/native/src/depthview-viewer
photo=$SHARED/photos/da2/demo01.jpg
shots=$ROOT/build/viewer-shots/layout
rm -rf "$shots"; mkdir -p "$shots"
export XDG_CONFIG_HOME=$shots/config  # a clean settings file, not the user's

# run NAME WIDTH HEIGHT TOUCH: the photo, its state, then gestures in the middle of the 3D view
# (VX, VY: a point of it), each followed by the state.
run() {
  local name=$1 w=$2 h=$3 touch=$4 vx=$5 vy=$6
  local script="set touch $touch; open $photo; wait-depth; frames 5; shot $shots/${name}_1.png; state;
    touch $vx $vy; frames 2; touch $((vx + 60)) $vy; frames 2; touch $((vx + 120)) $((vy + 20)); frames 2; touch-end; frames 2; state;
    touch $((vx - 40)) $vy $((vx + 40)) $vy; frames 2; touch $((vx - 120)) $vy $((vx + 120)) $vy; frames 2; touch-end; frames 2; state;
    touch $((vx - 40)) $vy $((vx + 40)) $vy; frames 2; touch $((vx - 10)) $((vy + 30)) $((vx + 70)) $((vy + 30)); frames 2; touch-end; frames 2; state;
    touch $vx $vy; touch-end; frames 2; touch $vx $vy; touch-end; frames 2; state;
    sheet controls; frames 3; shot $shots/${name}_3_controls.png; state; sheet hide; frames 3; shot $shots/${name}_2_hidden.png; state; quit"
  timeout 300 xvfb-run -a -s "-screen 0 ${w}x${h}x24" "$viewer" --model fastdepth --width "$w" --height "$h" --no-vsync \
    --script "$script" > "$shots/${name}.log" 2>&1
}
run portrait 420 860 1 210 250
run landscape 860 420 1 250 210
run desktop 1280 800 0 640 500

/usr/bin/python3 - "$shots" <<'PY'
import json, os, re, sys
shots = sys.argv[1]
fails = []
def check(name, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + name + (f" ({detail})" if detail else ""))
    if not ok: fails.append(name)

def overlap(a, b):
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]

def visible_share(layout):
    w, h = layout["display"]
    view, wins = layout["view"], [x["rect"] for x in layout["windows"]]
    inside = total = 0
    for j in range(0, int(h), 4):
        for i in range(0, int(w), 4):
            total += 1
            if not (view["x"] <= i < view["x"] + view["w"] and view["y"] <= j < view["y"] + view["h"]): continue
            if any(r["x"] <= i < r["x"] + r["w"] and r["y"] <= j < r["y"] + r["h"] for r in wins): continue
            inside += 1
    return inside / total

for name, mode, touch in (("portrait", "portrait", True), ("landscape", "landscape", True), ("desktop", "wide", False)):
    states = [json.loads(m) for m in re.findall(r"state (\{.*\})", open(os.path.join(shots, name + ".log")).read())]
    if len(states) != 7:
        check(f"{name}: the script ran", False, f"{len(states)} states")
        continue
    first, orbit, pinch, pan, tap, controls, hidden = states
    lay = first["layout"]
    names = [w["name"] for w in lay["windows"]]
    check(f"{name}: layout {mode}", lay["mode"] == mode and lay["touch"] == touch, f"{lay['mode']}, touch {lay['touch']}, windows {names}")
    check(f"{name}: depth shown", first["has_depth"] and first["error"] == "", first["error"])
    pairs = [(a["name"], b["name"]) for i, a in enumerate(lay["windows"]) for b in lay["windows"][i + 1:] if overlap(a["rect"], b["rect"])]
    check(f"{name}: no two panels overlap", not pairs, str(pairs))
    for shown, st in (("depth", first), ("controls", controls)):
        clipped = [w["name"] for w in st["layout"]["windows"] if w["overflow_x"]]
        check(f"{name}: nothing clipped at a panel's edge ({shown} shown)", not clipped, str(clipped))
    share = visible_share(lay)
    check(f"{name}: the 3D view keeps >= 60 % of the window", share >= 0.6, f"{share * 100:.0f} %")
    if touch:
        check(f"{name}: touch targets >= 44 px", lay["frame_height_css"] >= 44, f"{lay['frame_height_css']:.0f} px")
        check(f"{name}: one finger orbits", abs(orbit["yaw"] - first["yaw"]) > 0.5, f"yaw {first['yaw']:.2f} -> {orbit['yaw']:.2f}")
        check(f"{name}: a pinch zooms in", pinch["distance"] < orbit["distance"] * 0.5, f"distance {orbit['distance']:.2f} -> {pinch['distance']:.2f}")
        check(f"{name}: two fingers pan", abs(pan["pan"][0] - pinch["pan"][0]) > 0.01 and abs(pan["pan"][1] - pinch["pan"][1]) > 0.01,
              f"pan {pinch['pan']} -> {pan['pan']}")
        check(f"{name}: a double tap resets the view", tap["yaw"] == 0 and tap["distance"] == first["distance"] and tap["pan"] == [0, 0],
              f"yaw {tap['yaw']:.2f}, distance {tap['distance']:.2f}")
        hl = hidden["layout"]
        check(f"{name}: the hidden sheet gives the view the window", hl["sheet"] == "closed" and visible_share(hl) > 0.9,
              f"{visible_share(hl) * 100:.0f} %")
sys.exit(1 if fails else 0)
PY
