#!/usr/bin/python3
"""eval_depth.py --model M [--int8] [--manifest ../shared/eval/manifest.json] [--runner DV_RUN] [--output depth|inverse]

AbsRel and delta1 of a depth model run by the depthview engine, by the protocol of
../shared/eval/README.md: output resized (bilinear) to the ground truth, worked in inverse depth,
scale and shift fitted by least squares on valid pixels, clipped to [1/max(gt), 1/min(gt)],
inverted back; metrics averaged over images. --output says what the model predicts (FastDepth
and PyDNet++: depth; MiDaS and Depth Anything: relative inverse depth). Test/benchmark tool:
needs Debian's python3-numpy and python3-pil.
"""
import argparse
import json
import os
import re
import subprocess
import tempfile

import numpy as np
from PIL import Image


def load_gt(entry, base):
    path = os.path.join(base, entry["depth"])
    if entry.get("decode") == "npy_m":
        return np.squeeze(np.load(path)).astype(np.float64)
    return np.asarray(Image.open(path), dtype=np.float64) * entry["scale"]


def predict(args, rgb, tmp):
    out = os.path.join(tmp, "out.f32")
    cmd = args.runner.split() + [args.model, "--photo", rgb, "--norm", args.norm, "--threads", str(args.threads),
                                 "--output-out", out] + (["--int8"] if args.int8 else [])
    line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    h, w = (int(d) for d in re.search(r" output=(\S+)", line).group(1).split("x")[-2:])
    return np.fromfile(out, dtype=np.float32).reshape(h, w)


def metrics(pred, gt, output):
    pred = np.asarray(Image.fromarray(pred, mode="F").resize((gt.shape[1], gt.shape[0]), Image.BILINEAR), dtype=np.float64)
    valid = gt > 0
    inv_pred = 1.0 / np.maximum(pred, 1e-6) if output == "depth" else pred
    x, y = inv_pred[valid], 1.0 / gt[valid]
    s, t = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)[0]
    aligned = np.clip(s * x + t, 1.0 / gt[valid].max(), 1.0 / gt[valid].min())
    d, g = 1.0 / aligned, gt[valid]
    return float(np.mean(np.abs(d - g) / g)), float(np.mean(np.maximum(d / g, g / d) < 1.25))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--manifest", default=os.path.join(here, "../../shared/eval/manifest.json"))
    p.add_argument("--runner", default=os.path.join(here, "../build/native/tests/dv_run"))
    p.add_argument("--output", choices=["depth", "inverse"], default="depth")
    p.add_argument("--norm", default="unit")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--int8", action="store_true")
    args = p.parse_args()
    base = os.path.dirname(args.manifest)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for entry in json.load(open(args.manifest)):
            absrel, d1 = metrics(predict(args, os.path.join(base, entry["rgb"]), tmp), load_gt(entry, base), args.output)
            rows.append((absrel, d1))
            print(f"{entry['id']:28s} AbsRel {absrel:.4f}  d1 {d1:.4f}")
    a, d = np.mean(rows, axis=0)
    print(f"mean over {len(rows)} images ({'int8' if args.int8 else 'fp32'}): AbsRel {a:.4f}  d1 {d:.4f}")


if __name__ == "__main__":
    main()
