#!/usr/bin/env bash
# seed_models.sh SHARED_MODELS_DIR OUT_DIR: seeded-weight copies of the graph-only models
# (tests/tools/seed_weights.py), made once and reused; exit 77 (skip) without ../shared.
# Also a Depth Anything V2 graph that runs at any size (tests/tools/make_dynamic_dav2.py).
set -euo pipefail
src=$1 out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -d "$src" ] || { echo "SKIPPED: $src not found"; exit 77; }
mkdir -p "$out"
for pair in midas_v21_small_256:midas_small_seeded depth_anything_v2_small:dav2_small_seeded \
            depth_anything_v2_small_dynamic:dav2_small_dynamic_seeded; do
  graph=$src/${pair%%:*}.graph.onnx target=$out/${pair##*:}.onnx
  if [ ! -f "$target" ] || [ "$here/seed_weights.py" -nt "$target" ]; then
    /usr/bin/python3 "$here/seed_weights.py" "$graph" "$target.part" && mv "$target.part" "$target"
  else
    echo "seed_models: $target is up to date"
  fi
done
# Depth Anything V2 at any size: the shared "dynamic" graph made size-free (make_dynamic_dav2.py), seeded.
target=$out/dav2_small_any_size_seeded.onnx
if [ ! -f "$target" ] || [ "$here/make_dynamic_dav2.py" -nt "$target" ] || [ "$here/seed_weights.py" -nt "$target" ]; then
  /usr/bin/python3 "$here/make_dynamic_dav2.py" "$src/depth_anything_v2_small_dynamic.graph.onnx" "$out/dav2_small_any_size.graph.onnx"
  /usr/bin/python3 "$here/seed_weights.py" "$out/dav2_small_any_size.graph.onnx" "$target.part" && mv "$target.part" "$target"
else
  echo "seed_models: $target is up to date"
fi
