// The XMP namespaces of Dynamic Depth and of the Android camera container, shared by the reader
// (dynamic_depth.cpp) and the writer (media/write/dynamic_depth_jpeg.cpp).
#pragma once

#include "media/container/xmp.h"

namespace dv::media::dd {

// The Android camera container (Pixel, Ultra HDR) and Dynamic Depth 1.0 spell these two differently.
constexpr XmpNamespace kContainer{"http://ns.google.com/photos/1.0/container/",
                                  "http://ns.google.com/photos/dd/1.0/container/"};
constexpr XmpNamespace kItem{"http://ns.google.com/photos/1.0/container/item/", "http://ns.google.com/photos/dd/1.0/item/"};
constexpr XmpNamespace kDevice{"http://ns.google.com/photos/dd/1.0/device/"};
constexpr XmpNamespace kCamera{"http://ns.google.com/photos/dd/1.0/camera/"};
constexpr XmpNamespace kImagingModel{"http://ns.google.com/photos/dd/1.0/imagingmodel/"};
constexpr XmpNamespace kDepthMap{"http://ns.google.com/photos/dd/1.0/depthmap/"};
constexpr XmpNamespace kImage{"http://ns.google.com/photos/dd/1.0/image/"};
constexpr XmpNamespace kGDepth{"http://ns.google.com/photos/1.0/depthmap/"};
constexpr XmpNamespace kGImage{"http://ns.google.com/photos/1.0/image/"};
constexpr XmpNamespace kXmpNote{"http://ns.adobe.com/xmp/note/"};

}  // namespace dv::media::dd
