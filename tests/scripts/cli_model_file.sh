#!/usr/bin/env bash
# depthview CLI on a model file that models/models.json does not list (FastDepth under another
# name): it runs, says its assumptions in one line, and with FastDepth's settings (from a
# preprocessor_config.json beside it and --output) writes exactly the depth map of the manifest's
# FastDepth. Variants: `depthview models` lists them with sizes; one that is not installed is
# refused naming its file and the `depthview models --fetch` command.
set -euo pipefail
# shellcheck source=../support/script_test.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/script_test.sh"
need_shared models/fastdepth.onnx
mkdir -p "$work/mine"
cp "$SHARED/models/fastdepth.onnx" "$work/mine/my_depth.onnx"
photo=$SHARED/eval/slambook2/ch5/rgbd/color/1.png

"$cli" "$photo" -o "$work/assumed" --model "$work/mine/my_depth.onnx" > "$work/stdout"
cat "$work/stdout"
expect "assumptions in one line" 'grep -qxF "my_depth.onnx: not in the manifest; input 320x320 fixed from the file, mean/std assumed ImageNet (--mean/--std to change), output assumed inverse depth (--output to change)" "$work/stdout"'
expect "depth at the photo's size" '/usr/bin/python3 -c "
from PIL import Image
d = Image.open(\"$work/assumed/1_depth.png\"); p = Image.open(\"$photo\")
assert d.size == p.size and d.mode == \"L\" and d.getextrema()[1] > d.getextrema()[0], (d.size, p.size, d.getextrema())"'

# FastDepth wants x/255 without mean/std, and predicts depth.
echo '{"do_normalize": false, "do_rescale": true, "rescale_factor": 0.00392156862745098}' > "$work/mine/preprocessor_config.json"
"$cli" "$photo" -o "$work/configured" --model "$work/mine/my_depth.onnx" --output depth > "$work/stdout2"
cat "$work/stdout2"
expect "config and --output named" 'grep -qxF "my_depth.onnx: not in the manifest; input 320x320 fixed from the file, mean/std from preprocessor_config.json, output depth from --output" "$work/stdout2"'
"$cli" "$photo" -o "$work/manifest" --model fastdepth > /dev/null
expect "same depth map as the manifest's FastDepth" 'cmp -s "$work/configured/1_depth.png" "$work/manifest/1_depth.png"'
expect "and not the same with the assumed settings" '! cmp -s "$work/assumed/1_depth.png" "$work/manifest/1_depth.png"'

# --mean / --std instead of the config give the same map again.
rm "$work/mine/preprocessor_config.json"
"$cli" "$photo" -o "$work/flags" --model "$work/mine/my_depth.onnx" --mean 0,0,0 --std 1,1,1 --output depth > "$work/stdout3"
expect "--mean/--std named" 'grep -qF "mean/std from --mean/--std" "$work/stdout3"'
expect "--mean/--std give the same map" 'cmp -s "$work/flags/1_depth.png" "$work/manifest/1_depth.png"'
rc=0
"$cli" "$photo" -o "$work/bad" --model "$work/mine/my_depth.onnx" --mean 0.5,0.5 > /dev/null 2> "$work/stderr" || rc=$?
expect "two values for --mean refused" '[ "$rc" != 0 ] && grep -q -- "--mean" "$work/stderr"'

"$cli" models > "$work/models"
cat "$work/models"
expect "variants listed with their sizes" 'grep -qE "^  q4f16 +19\.1 MB  (installed|not installed \(depthview models --fetch depth-anything-v2-small --variant q4f16\))" "$work/models"'
expect "the default variant marked" 'grep -qE "^  [a-z0-9]+ .*\[default\]$" "$work/models"'
if ! grep -qE "^  fp16 .*installed: " "$work/models"; then
  rc=0
  "$cli" "$photo" -o "$work/v" --model depth-anything-v2-small --variant fp16 > /dev/null 2> "$work/stderr2" || rc=$?
  expect "a variant that is not installed: exit 2, its file and how to get it" '[ "$rc" = 2 ] && grep -qxF "depthview: variant '"'"'fp16'"'"' of model '"'"'depth-anything-v2-small'"'"' (depth_anything_v2_small_fp16.onnx) is not installed: run depthview models --fetch depth-anything-v2-small --variant fp16" "$work/stderr2"'
fi
finish
