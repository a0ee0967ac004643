#!/usr/bin/env bash
# End-to-end time and peak memory of the native CLI on a 12-megapixel photo (4000x3000 JPEG made
# from ../shared/photos) with FastDepth: decode, inference, resize back, 8- and 16-bit PNG out;
# then the same with the guided filter (--edge-aware) and with a relief mesh + point cloud.
#   bench/cli_12mp.sh [MODEL]   (default fastdepth)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=${1:-fastdepth}
cli=$ROOT/build/native/src/depthview
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -c "
from PIL import Image
Image.open('$ROOT/../shared/photos/da2/demo01.jpg').convert('RGB').resize((4000, 3000), Image.BICUBIC).save('$work/photo12mp.jpg', quality=92)"
run() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$cli" "$work/photo12mp.jpg" -o "$work/out" --model "$model" "$@" > "$work/log"
  read -r secs kib < "$work/time"
  printf '%-44s wall %5.2f s   peak RSS %4d MiB   (%s)\n' "$label" "$secs" $((kib / 1024)) "$(grep -o 'depth [^,]*, [^,]*, [0-9]* ms' "$work/log")"
}
echo "12 MP (4000x3000) photo, model $model, $(nproc) cores"
run "png + png16" --format png,png16
run "png + png16, --edge-aware" --format png,png16 --edge-aware
run "glb mesh + point cloud" --format glb,points
