#!/usr/bin/python3
"""make_seeds.py OUT_DIR: seed corpora for the fuzz targets, generated (nothing is copied from
../shared): photos in every format and layout depthview reads (PIL), including a JPEG with an
EXIF orientation; small ONNX models come from tests/ops/make_op_models.py (scripts/fuzz runs it);
byte patterns for the exporters. Needs Debian's python3-pil and python3-numpy."""
import io
import os
import struct
import sys

import numpy as np
from PIL import Image

out = sys.argv[1]
img_dir, exp_dir = os.path.join(out, "image"), os.path.join(out, "export")
os.makedirs(img_dir, exist_ok=True)
os.makedirs(exp_dir, exist_ok=True)
rng = np.random.default_rng(7)
rgb = Image.fromarray(rng.integers(0, 255, (24, 32, 3), dtype=np.uint8), "RGB")


def save(name, image, **kw):
    image.save(os.path.join(img_dir, name), **kw)


save("rgb.png", rgb)
save("grey.png", rgb.convert("L"))
save("grey_alpha.png", rgb.convert("LA"))
save("rgba.png", rgb.convert("RGBA"))
save("palette.png", rgb.convert("P"))
save("interlaced.png", rgb, interlace=1)
save("grey16.png", Image.fromarray(rng.integers(0, 65535, (16, 16), dtype=np.uint16)))
save("baseline.jpg", rgb, quality=80)
save("progressive.jpg", rgb, quality=80, progressive=True)
exif = Image.Exif()
exif[0x0112] = 6  # orientation: rotate 90° clockwise
save("exif_orientation6.jpg", rgb, quality=80, exif=exif.tobytes())
save("image.bmp", rgb)
save("image.gif", rgb.convert("P"))
save("image.ppm", rgb)
save("image.pgm", rgb.convert("L"))
save("image.tga", rgb)
with open(os.path.join(img_dir, "grey16.pgm"), "wb") as f:  # 16-bit PNM, big-endian
    f.write(b"P5 4 2 65535\n" + struct.pack(">8H", *range(0, 65535, 8192)))

for i, (w, h) in enumerate([(5, 4), (33, 7), (2, 2), (0, 3)]):
    depth = rng.random(w * h, dtype=np.float32)
    if i == 1:
        depth[3] = np.nan
    blob = bytes([w + 2, h + 2, 1]) + depth.tobytes() + bytes(rng.integers(0, 255, 32, dtype=np.uint8))
    open(os.path.join(exp_dir, f"depth_{i}.bin"), "wb").write(blob)
print(f"seeds: {len(os.listdir(img_dir))} images, {len(os.listdir(exp_dir))} exporter inputs in {out}")
