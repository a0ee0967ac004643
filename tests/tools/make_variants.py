#!/usr/bin/python3
"""make_variants.py IN.onnx OUT_DIR [--variants fp16,quantized,...] [--ort DIR] [--norm N] [--published NAME]

Writes the variants of an fp32 model that transformers.js publishes next to it (with its
options: see tests/tools/quantize.py), named as it names them, <stem>_<suffix>.onnx:
  fp16       float16.py, keep_io_types, the default op block list
  quantized  8-bit QOperator (DynamicQuantizeLinear + MatMulInteger / ConvInteger), per tensor,
             no reduce_range, uint8 weights when the model has a Conv, else int8
  int8       the same with int8 weights;  uint8  with uint8 weights
  q4         MatMulNBits, 4 bits, block 32, symmetric (no zero points)
  q4f16      q4, then fp16
  bnb4       MatMulBnb4, NF4, block 64
  qdq        (not published; the QDQ form an engine must also read) int8 per-channel weights
             behind DequantizeLinear, QuantizeLinear -> DequantizeLinear on the MatMul / Conv
             inputs, uint8, ranges calibrated by running IN.onnx with onnxruntime-node on 4 photos
             of ../shared (outdoor and indoor)
             (needs --ort and --norm)
Only MatMuls with a constant 2-D weight become 4-bit: a model without one (FastDepth, PyDNet++,
MiDaS) has q4 and bnb4 files equal to fp32 but for the opset, as the published tools make them.
Prints, per file, its size (and the published file's, with --published), the conversion time and
its operator histogram. Deterministic: the same input gives byte-identical files.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import photo_tensor  # noqa: E402
import quantize as q  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
# Outdoor and indoor scenes, none of them a parity test's photo
CALIBRATION_PHOTOS = [os.path.join(ROOT, "..", "shared", p) for p in (
    "photos/da2/demo02.jpg", "photos/da2/demo03.jpg", "photos/mobilepydnet_test_1.png",
    "eval/slambook2/ch12/dense_RGBD/data/color/1.png")]
# Sizes of the published files (MB), ../shared/models/README.md
PUBLISHED_MB = {
    "depth-anything-v2-small": dict(fp32=99.1, fp16=49.6, quantized=27.3, int8=27.3, uint8=27.3, q4=27.4, q4f16=19.1, bnb4=26.1),
}
VARIANTS = ("fp16", "quantized", "int8", "uint8", "q4", "q4f16", "bnb4", "qdq")


def calibrated_ranges(model, tensors, ort_dir, norm, node="node"):
    """(min, max) of each tensor over the calibration photos, from onnxruntime-node."""
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    known = {o.name for o in probe.graph.output}
    probe.graph.output.extend(onnx.helper.make_tensor_value_info(t, onnx.TensorProto.FLOAT, None) for t in tensors if t not in known)
    shape = photo_tensor.input_shape(model)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.onnx")
        onnx.save(probe, path)
        inputs = []
        for i, photo in enumerate(CALIBRATION_PHOTOS):
            inputs.append(os.path.join(tmp, f"{i}.f32"))
            photo_tensor.photo_tensor(photo, shape, norm).tofile(inputs[-1])
        out = subprocess.run([node, os.path.join(HERE, "calibrate.mjs"), "--ort", ort_dir, "--model", path,
                              "--shape", "x".join(map(str, shape))] + inputs, check=True, capture_output=True, text=True)
    ranges = json.loads(out.stdout)
    return {t: ranges[t] for t in tensors}


def convert(fresh, variant, args):
    if variant == "fp16":
        return q.convert_float_to_float16(fresh)
    if variant in ("quantized", "int8", "uint8"):
        weight_type = {"quantized": q.default_weight_type(fresh), "int8": q.INT8, "uint8": q.UINT8}[variant]
        return q.quantize_dynamic(fresh, weight_type)
    if variant == "q4":
        return q.quantize_matmul_4bits(fresh, block_size=32, symmetric=True)
    if variant == "q4f16":
        return q.convert_float_to_float16(q.quantize_matmul_4bits(fresh, block_size=32, symmetric=True))
    if variant == "bnb4":
        return q.quantize_matmul_bnb4(fresh, block_size=64, quant_type=q.NF4)
    if variant == "qdq":
        if not args.ort or not args.norm:
            raise SystemExit("make_variants: qdq needs --ort (onnxruntime-node) and --norm for its calibration")
        return q.quantize_qdq(fresh, calibrated_ranges(fresh, q.qdq_inputs(fresh), args.ort, args.norm, args.node))
    raise SystemExit(f"make_variants: unknown variant {variant} (known: {', '.join(VARIANTS)})")


def histogram(model):
    counts = collections.Counter((f"{n.domain}." if n.domain else "") + n.op_type for n in model.graph.node)
    return ", ".join(f"{op} {c}" for op, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def report(path, variant, seconds, model, published):
    mb = os.path.getsize(path) / 1e6
    theirs = f" (published {published[variant]:.1f} MB)" if published and variant in published else ""
    print(f"{os.path.basename(path)}: {mb:.1f} MB{theirs}, {seconds:.1f} s; {histogram(model)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("out_dir")
    ap.add_argument("--variants", default=",".join(VARIANTS[:-1]))
    ap.add_argument("--ort", help="onnxruntime-node's folder (for qdq's calibration)")
    ap.add_argument("--norm", choices=["unit", "imagenet"], help="the model's input normalisation (for qdq's calibration)")
    ap.add_argument("--node", default="node")
    ap.add_argument("--published", choices=sorted(PUBLISHED_MB), help="print the published files' sizes beside")
    args = ap.parse_args()
    model = onnx.load(args.model)
    os.makedirs(args.out_dir, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.model))[0]
    published = PUBLISHED_MB.get(args.published)
    report(args.model, "fp32", 0.0, model, published)
    for variant in args.variants.split(","):
        start = time.monotonic()
        converted = convert(model, variant, args)
        path = os.path.join(args.out_dir, f"{stem}_{variant}.onnx")
        onnx.save(converted, path + ".part")
        os.replace(path + ".part", path)
        report(path, variant, time.monotonic() - start, converted, published)


if __name__ == "__main__":
    main()
