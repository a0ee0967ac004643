#!/usr/bin/python3
"""make_container_seeds.py OUT_DIR: seed corpus of fuzz_container, generated (nothing from ../shared):
small PIL JPEGs with a standard XMP packet, Extended XMP split over APP1 chunks (GUID = MD5 of the
packet, as XMP specifies) and Dynamic Depth items appended after the primary image, in the layouts
the phones write (Pixel: Android container namespaces, Item:Semantic, rdf:value structs, the device
part in the extended packet; Dynamic Depth 1.0: Item:DataURI, attribute structs, padding; Lens Blur:
GDepth:Data / GImage:Data base64 in the extended packet), plus bare XMP text and damaged files.
Needs Debian's python3-pil and python3-numpy."""
import base64
import hashlib
import io
import os
import struct
import sys

import numpy as np
from PIL import Image

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(11)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
STANDARD_PREFIX = b"http://ns.adobe.com/xap/1.0/\0"
EXTENDED_PREFIX = b"http://ns.adobe.com/xmp/extension/\0"


def encoded(image, fmt, **kw):
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


colour = Image.fromarray(rng.integers(0, 255, (16, 16, 3), dtype=np.uint8), "RGB")
grey = Image.fromarray(np.tile(np.arange(0, 256, 16, dtype=np.uint8), (16, 1)), "L")
primary = encoded(colour, "JPEG", quality=70)
depth_jpeg = encoded(grey, "JPEG", quality=90)
depth_png = encoded(grey, "PNG")
depth_png16 = encoded(Image.fromarray(np.tile(np.arange(0, 65536, 4096, dtype=np.uint16), (16, 1))), "PNG")


def segment(marker, payload):
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def with_segments(jpeg, segments):
    """The JPEG with the APP1 segments put right after its SOI."""
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def xmp_packet(description_attrs, body="", namespaces=""):
    return (f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{RDF}">'
            f'<rdf:Description rdf:about="" {namespaces} {description_attrs}>{body}</rdf:Description>'
            f'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode()


def xmp_segments(standard, extended=None, chunk=300):
    """APP1 segments: the standard packet (naming the extended one by its MD5) and the chunks."""
    if extended is None:
        return [segment(0xE1, STANDARD_PREFIX + standard)]
    guid = hashlib.md5(extended).hexdigest().upper().encode()
    standard = standard.replace(b"GUID-HERE", guid)
    chunks = [segment(0xE1, EXTENDED_PREFIX + guid + struct.pack(">II", len(extended), off) + extended[off:off + chunk])
              for off in range(0, len(extended), chunk)]
    return [segment(0xE1, STANDARD_PREFIX + standard)] + chunks


def save(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


# Pixel layout: directory in the standard packet, device (cameras, depth map) in the extended one.
pixel_items = [("GainMap", depth_jpeg), ("Original", primary), ("Depth", depth_jpeg), ("Confidence", depth_jpeg)]
directory = '<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Length="0" Item:Semantic="Primary"/></rdf:li>'
directory += "".join(f'<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Length="{len(b)}" '
                     f'Item:Semantic="{s}"/></rdf:li>' for s, b in pixel_items)
pixel_standard = xmp_packet(
    'xmpNote:HasExtendedXMP="GUID-HERE"', f"<Container:Directory><rdf:Seq>{directory}</rdf:Seq></Container:Directory>",
    'xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmlns:Container="http://ns.google.com/photos/1.0/container/" '
    'xmlns:Item="http://ns.google.com/photos/1.0/container/item/"')
pixel_device = xmp_packet(
    "", '<Device:Cameras><rdf:Seq><rdf:li rdf:parseType="Resource"><rdf:value rdf:parseType="Resource">'
        '<Camera:Trait>Physical</Camera:Trait><Camera:Image rdf:parseType="Resource"><Image:ItemSemantic>Original'
        '</Image:ItemSemantic></Camera:Image><Camera:DepthMap rdf:parseType="Resource">'
        '<DepthMap:ItemSemantic>Depth</DepthMap:ItemSemantic><DepthMap:Format>RangeInverse</DepthMap:Format>'
        '<DepthMap:Units>Diopters</DepthMap:Units><DepthMap:Near>0.208841</DepthMap:Near><DepthMap:Far>5.702907</DepthMap:Far>'
        '<DepthMap:DepthURI>android/depthmap</DepthMap:DepthURI></Camera:DepthMap></rdf:value>'
        '<rdf:type>http://ns.google.com/photos/dd/1.0/device/:Camera</rdf:type></rdf:li></rdf:Seq></Device:Cameras>',
    'xmlns:Device="http://ns.google.com/photos/dd/1.0/device/" xmlns:Camera="http://ns.google.com/photos/dd/1.0/camera/" '
    'xmlns:Image="http://ns.google.com/photos/dd/1.0/image/" xmlns:DepthMap="http://ns.google.com/photos/dd/1.0/depthmap/"')
pixel = with_segments(primary, xmp_segments(pixel_standard, pixel_device)) + b"".join(b for _, b in pixel_items)
save("pixel_dynamic_depth.jpg", pixel)
save("pixel_item_too_long.jpg", pixel[:-10])  # the last item claims 10 bytes more than follow

# Dynamic Depth 1.0 layout: other prefixes, DataURI links, attribute structs, padding, a 16-bit PNG.
dd = ('<Device:Container rdf:parseType="Resource"><Container:Directory><rdf:Seq>'
      '<rdf:li><Container:Item Item:Mime="image/jpeg" Item:Length="0" Item:Padding="4" Item:DataURI="primary_image"/></rdf:li>'
      f'<rdf:li><Container:Item Item:Mime="image/png" Item:Length="{len(depth_png16)}" Item:Padding="2" Item:DataURI="android/depthmap"/></rdf:li>'
      f'<rdf:li><Container:Item Item:Mime="image/png" Item:Length="{len(depth_png)}" Item:DataURI="android/confidencemap"/></rdf:li>'
      '</rdf:Seq></Container:Directory></Device:Container><Device:Cameras><rdf:Seq><rdf:li>'
      '<Device:Camera Camera:Trait="Physical"><Camera:DepthMap dm:ItemSemantic="Segmentation" dm:Format="RangeLinear" '
      'dm:Units="Meters" dm:Near="0.3" dm:Far="8.0" dm:DepthURI="android/depthmap" dm:ConfidenceURI="android/confidencemap"/>'
      '</Device:Camera></rdf:li></rdf:Seq></Device:Cameras>')
dd_packet = xmp_packet("", dd, 'xmlns:Device="http://ns.google.com/photos/dd/1.0/device/" '
                               'xmlns:Container="http://ns.google.com/photos/dd/1.0/container/" '
                               'xmlns:Item="http://ns.google.com/photos/dd/1.0/item/" '
                               'xmlns:Camera="http://ns.google.com/photos/dd/1.0/camera/" '
                               'xmlns:dm="http://ns.google.com/photos/dd/1.0/depthmap/"')
save("dynamic_depth_1_0.jpg", with_segments(primary, xmp_segments(dd_packet)) + b"PAD!" + depth_png16 + b"pd" + depth_png)
save("dynamic_depth_1_0.xmp", dd_packet)  # bare XMP text: fuzz_container reads non-JPEGs as XMP

# Lens Blur: GDepth / GImage base64 in the extended packet (many small chunks).
gdepth_ns = ('xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/" xmlns:GImage="http://ns.google.com/photos/1.0/image/" '
             'xmlns:xmpNote="http://ns.adobe.com/xmp/note/"')
lens_blur_standard = xmp_packet('GImage:Mime="image/jpeg" GDepth:Format="RangeInverse" GDepth:Near="18.8495" '
                                'GDepth:Far="633.3235" GDepth:Mime="image/png" xmpNote:HasExtendedXMP="GUID-HERE"', "", gdepth_ns)
lens_blur_extended = xmp_packet(f'GImage:Data="{base64.b64encode(primary).decode()}" '
                                f'GDepth:Data="{base64.b64encode(depth_png).decode()}"', "", gdepth_ns)
lens_blur = with_segments(primary, xmp_segments(lens_blur_standard, lens_blur_extended, chunk=400))
save("lens_blur_gdepth.jpg", lens_blur)
# The same with one chunk lost, and GDepth in the standard packet alone (element form, wrapped base64).
lost = xmp_segments(lens_blur_standard, lens_blur_extended, chunk=400)
save("lens_blur_lost_chunk.jpg", with_segments(primary, lost[:2] + lost[3:]))
wrapped = base64.encodebytes(depth_png).decode()
save("gdepth_standard_only.jpg", with_segments(primary, xmp_segments(xmp_packet(
    "", f"<GDepth:Format>RangeLinear</GDepth:Format><GDepth:Near>1</GDepth:Near><GDepth:Far>9</GDepth:Far>"
        f"<GDepth:Data>{wrapped}</GDepth:Data>", gdepth_ns))))

# Plain and damaged JPEGs.
save("plain.jpg", primary)
save("progressive_items_missing.jpg", with_segments(encoded(colour, "JPEG", quality=70, progressive=True), xmp_segments(dd_packet)))
save("truncated_segment.jpg", with_segments(primary, xmp_segments(pixel_standard))[:200])
print(f"seeds: {len(os.listdir(out))} files in {out}")
