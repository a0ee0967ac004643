// A photo and its depth map as a Google Dynamic Depth JPEG (media/write/dynamic_depth_jpeg.h), the
// form phones store portrait depth in: galleries and editors that read camera depth open it.
// Native builds (DV_HAVE_CONTAINER: pugixml).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "depth/image.h"
#include "depth/postprocess.h"

namespace dv::depth {

struct DynamicDepthOptions {
  // The depth of the map's nearest and farthest pixel (RangeInverse: the samples step evenly in
  // 1 / depth, as the pipeline's inverse depth does). A relative map has no scale: "None" units.
  double near = 1.0, far = 10.0;
  std::string units = "None";
  bool png16 = true;       // the depth item: a 16-bit grey PNG, or an 8-bit grey JPEG
  int jpeg_quality = 90;   // of the primary photo (and the 8-bit depth item)
};

// The depth item's normalised samples dn = (max − v) / (max − min) of the map's values v (bright =
// near): 0 at the nearest pixel (Dynamic Depth's near), 1 at the farthest. A flat map gives 0.
std::vector<float> dynamic_depth_samples(const DepthMap& depth);

// Throws std::invalid_argument for an invalid photo or map (depth/image.h, postprocess.h), one over
// kMaxImagePixels, or near / far the writer refuses.
std::vector<uint8_t> encode_dynamic_depth_jpeg(const Image& photo, const DepthMap& depth,
                                               const DynamicDepthOptions& options = {});

}  // namespace dv::depth
