#!/usr/bin/python3
"""make_seeds.py OUT_DIR: seed corpora for the fuzz targets, generated (nothing is copied from
../shared): photos in every format and layout depthview reads (PIL), including a JPEG and a WebP
with an EXIF orientation, animated WebP, and HEIC / AVIF made by heif-enc (libheif-examples; left
out with a note when it is missing); small ONNX models come from tests/ops/make_op_models.py
(scripts/fuzz runs it); byte patterns for the exporters. Needs Debian's python3-pil and
python3-numpy."""
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile

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

# WebP: lossy, lossless, alpha, EXIF orientation, animation (PIL's libwebp).
save("lossy.webp", rgb, quality=60)
save("lossless.webp", rgb, lossless=True)
save("alpha.webp", rgb.convert("RGBA"), lossless=True)
save("alpha_lossy.webp", rgb.convert("RGBA"), quality=60)
save("exif_orientation6.webp", rgb, lossless=True, exif=exif.tobytes())
save("animated.webp", rgb, save_all=True, append_images=[rgb.rotate(90), rgb.convert("L").convert("RGB")],
     lossless=True, duration=40)


def heif_enc(name, source, *options):
    """A HEIC / AVIF by heif-enc from a PIL image (the kinds iPhones and the web write)."""
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "in.png")
        source.save(png)
        subprocess.run(["heif-enc", *options, "-o", os.path.join(img_dir, name), png], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if shutil.which("heif-enc"):
    lossless = ("-L", "-p", "chroma=444", "--matrix_coefficients=0")
    heif_enc("lossy.heic", rgb, "-q", "50")
    heif_enc("lossless.heic", rgb, *lossless)
    heif_enc("alpha.heic", rgb.convert("RGBA"), "-q", "50")
    heif_enc("grey10.heic", Image.fromarray(rng.integers(0, 65535, (16, 16), dtype=np.uint16)), "-b", "10")
    heif_enc("lossy.avif", rgb, "-q", "50")
    heif_enc("lossless.avif", rgb, *lossless)
    heif_enc("alpha.avif", rgb.convert("RGBA"), "-q", "50")
else:
    print("make_seeds.py: heif-enc is missing (libheif-examples): no HEIC / AVIF seeds", file=sys.stderr)

for i, (w, h) in enumerate([(5, 4), (33, 7), (2, 2), (0, 3)]):
    depth = rng.random(w * h, dtype=np.float32)
    if i == 1:
        depth[3] = np.nan
    blob = bytes([w + 2, h + 2, 1]) + depth.tobytes() + bytes(rng.integers(0, 255, 32, dtype=np.uint8))
    open(os.path.join(exp_dir, f"depth_{i}.bin"), "wb").write(blob)
print(f"seeds: {len(os.listdir(img_dir))} images, {len(os.listdir(exp_dir))} exporter inputs in {out}")
