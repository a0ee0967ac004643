#!/usr/bin/env bash
# variant_models.sh SHARED_DIR SEEDED_DIR OUT_DIR ORT_DIR: the published kinds of variants
# (tests/tools/make_variants.py) of FastDepth, PyDNet++ (real weights, SHARED_DIR/models), MiDaS small
# and Depth Anything V2 Small (seeded, SEEDED_DIR, from seed_models.sh), and each model's test input
# (a photo as OUT_DIR/<stem>.input.f32); made once and remade when a converter or the model changed.
# Exit 77 (skip) without ../shared.
# "uint8" is left out: for these models (all have a Conv) it is the same file as "quantized"; so are
# q4, q4f16 and bnb4 for the models without a MatMul (they equal fp32 / fp16).
set -euo pipefail
shared=$1 seeded=$2 out=$3 ort=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -d "$shared/models" ] || { echo "SKIPPED: $shared/models not found"; exit 77; }
mkdir -p "$out"
tools=("$here/quantize.py" "$here/make_variants.py" "$here/calibrate.mjs" "$here/photo_tensor.py" "$here/variant_models.sh")
# model:normalisation:photo:variants
for spec in "$shared/models/fastdepth.onnx:unit:eval/slambook2/ch5/rgbd/color/1.png:fp16,quantized,int8,qdq" \
            "$shared/models/pydnet.onnx:unit:photos/mobilepydnet_test_0.png:fp16,quantized,int8,qdq" \
            "$seeded/midas_small_seeded.onnx:imagenet:photos/da2/demo01.jpg:fp16,quantized,int8,qdq" \
            "$seeded/dav2_small_seeded.onnx:imagenet:photos/da2/demo01.jpg:fp16,quantized,int8,q4,q4f16,bnb4,qdq"; do
  IFS=: read -r model norm photo variants <<< "$spec"
  stem=$(basename "$model" .onnx) stamp=$out/$(basename "$model" .onnx).stamp
  fresh=1
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$variants" ] || fresh=0
  for f in "${tools[@]}" "$model"; do [ "$fresh" = 1 ] && [ "$f" -nt "$stamp" ] && fresh=0; done
  if [ "$fresh" = 1 ]; then
    echo "variant_models: $stem is up to date"
    continue
  fi
  rm -f "$stamp"
  /usr/bin/python3 "$here/photo_tensor.py" "$model" "$shared/$photo" "$out/$stem.input.f32" --norm "$norm" > /dev/null
  published=()
  [ "$stem" = dav2_small_seeded ] && published=(--published depth-anything-v2-small)
  /usr/bin/python3 "$here/make_variants.py" "$model" "$out" --variants "$variants" --ort "$ort" --norm "$norm" "${published[@]}"
  echo "$variants" > "$stamp"
done
