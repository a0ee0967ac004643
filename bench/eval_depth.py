#!/usr/bin/python3
"""eval_depth.py --model M [M ...] [--ort DIR] [--int8] [--manifest ../shared/eval/manifest.json] [--runner DV_RUN] [--output depth|inverse]

AbsRel and delta1 of depth models run by the depthview engine, by the protocol of
../shared/eval/README.md: output resized (bilinear) to the ground truth, worked in inverse depth,
scale and shift fitted by least squares on valid pixels, clipped to [1/max(gt), 1/min(gt)],
inverted back; metrics averaged over images. --output says what the model predicts (FastDepth
and PyDNet++: depth; MiDaS and Depth Anything: relative inverse depth). --runner is dv_run's
command (native by default; its wasm build as "node [--experimental-wasm-relaxed-simd] dv_run.js").
--ort DIR also runs every model with onnxruntime-node (DIR: its package) on the input tensors
depthview builds (tests/parity/ort_run.mjs). Several models (variants of one model: fp32 first, then
tests/tools/make_variants.py's files) end in a table of each one's means beside the first's.
One model with one runner prints the figure of each image too. Test/benchmark tool: needs
Debian's python3-numpy and python3-pil.
"""
import argparse
import json
import os
import re
import subprocess
import tempfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def load_gt(entry, base):
    path = os.path.join(base, entry["depth"])
    if entry.get("decode") == "npy_m":
        return np.squeeze(np.load(path)).astype(np.float64)
    return np.asarray(Image.open(path), dtype=np.float64) * entry["scale"]


def predict(runner, model, args, rgb, tmp):
    out = os.path.join(tmp, "out.f32")
    cmd = runner + [model, "--photo", rgb, "--norm", args.norm, "--threads", str(args.threads), "--output-out", out]
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


def evaluate(runner, model, label, args, per_image):
    """Mean (AbsRel, delta1) of one model by one runner over the manifest's images; None if it fails."""
    base = os.path.dirname(args.manifest)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for entry in json.load(open(args.manifest)):
            try:
                pred = predict(runner, model, args, os.path.join(base, entry["rgb"]), tmp)
            except subprocess.CalledProcessError as e:
                print(f"{os.path.basename(model)} ({label}): {entry['id']} failed: {(e.stderr or e.stdout).strip()[:300]}")
                return None
            absrel, d1 = metrics(pred, load_gt(entry, base), args.output)
            rows.append((absrel, d1))
            if per_image:
                print(f"{entry['id']:28s} AbsRel {absrel:.4f}  d1 {d1:.4f}")
    a, d = np.mean(rows, axis=0)
    print(f"mean over {len(rows)} images ({label}, {os.path.basename(model)}): AbsRel {a:.4f}  d1 {d:.4f}", flush=True)
    return a, d


def table(models, results, labels):
    """Markdown table: per model and runner its means and its delta1 beside the first model's."""
    head = ["file", "MB"] + [f"{label} {col}" for label in labels for col in ("AbsRel", "d1", "d1 - first's")]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for model in models:
        row = [os.path.basename(model), f"{os.path.getsize(model) / 1e6:.1f}"]
        for label in labels:
            mine, first = results[model][label], results[models[0]][label]
            if mine is None:
                row += ["failed", "", ""]
            else:
                row += [f"{mine[0]:.4f}", f"{mine[1]:.4f}", f"{mine[1] - first[1]:+.4f}" if first else ""]
        print("| " + " | ".join(row) + " |")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, nargs="+")
    p.add_argument("--manifest", default=os.path.join(HERE, "../../shared/eval/manifest.json"))
    p.add_argument("--runner", default=os.path.join(HERE, "../build/native/tests/dv_run"))
    p.add_argument("--ort", help="onnxruntime-node's folder: also evaluate each model with ORT")
    p.add_argument("--output", choices=["depth", "inverse"], default="depth")
    p.add_argument("--norm", default="unit")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--int8", action="store_true")
    args = p.parse_args()
    depthview = args.runner.split() + (["--int8"] if args.int8 else [])
    runners = {"depthview int8" if args.int8 else "depthview": depthview}
    if args.ort:
        native = os.path.join(HERE, "../build/native/tests/dv_run")
        runners["ORT"] = ["node", os.path.join(HERE, "../tests/parity/ort_run.mjs"), "--ort", args.ort, "--dv-run", native]
    per_image = len(args.model) == 1 and len(runners) == 1
    results = {}
    for model in args.model:
        results[model] = {label: evaluate(runner, model, label, args, per_image) for label, runner in runners.items()}
    if not per_image:
        table(args.model, results, list(runners))


if __name__ == "__main__":
    main()
