#!/usr/bin/python3
"""photo_tensor.py MODEL.onnx PHOTO OUT.f32 [--norm unit|imagenet]: a photo as the model's input
tensor (1x3xHxW float32, raw little-endian), for tools that run ONNX Runtime on real images
(calibration, variant checks). Prints the shape as HxW... ("1x3x518x518").

Resized to the model's fixed input size with bilinear filtering, RGB / 255, then ImageNet mean/std
when asked (the same normalisations as depthview's `--norm`). Needs python3-pil, python3-onnx.
"""
import argparse

import numpy as np
import onnx
from PIL import Image

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)


def input_shape(model):
    """The first graph input's shape with a dynamic batch taken as 1 (H and W must be fixed)."""
    dims = model.graph.input[0].type.tensor_type.shape.dim
    shape = [d.dim_value if d.dim_value > 0 else None for d in dims]
    if shape[0] is None:
        shape[0] = 1
    if len(shape) != 4 or None in shape:
        raise ValueError(f"photo_tensor: the model's input {model.graph.input[0].name} has no fixed NCHW size")
    return shape


def photo_tensor(path, shape, norm):
    _, _, h, w = shape
    rgb = np.asarray(Image.open(path).convert("RGB").resize((w, h), Image.BILINEAR), np.float32) / 255.0
    if norm == "imagenet":
        rgb = (rgb - IMAGENET_MEAN) / IMAGENET_STD
    return np.ascontiguousarray(rgb.transpose(2, 0, 1)[None], np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("photo")
    ap.add_argument("out")
    ap.add_argument("--norm", choices=["unit", "imagenet"], default="unit")
    args = ap.parse_args()
    shape = input_shape(onnx.load(args.model, load_external_data=False))
    photo_tensor(args.photo, shape, args.norm).tofile(args.out)
    print("x".join(map(str, shape)))


if __name__ == "__main__":
    main()
