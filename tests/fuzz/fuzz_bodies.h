// The bodies of the fuzz targets, shared by the libFuzzer programs (tests/fuzz/fuzz_*.cpp) and the
// regression test that replays every finding (tests/test_fuzz_regressions.cpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <stdexcept>

#include "depth/colormap.h"
#include "depth/export.h"
#include "depth/export_dynamic_depth.h"
#include "depth/guided_filter.h"
#include "depth/camera_depth.h"
#include "depth/heif_depth.h"
#include "depth/sensor_depth.h"
#include "depth/image.h"
#include "depth/mesh.h"
#include "depth/orientation.h"
#include "depth/pointcloud.h"
#include "depthview/engine.h"

namespace dv::fuzz {

// model bytes -> ONNX reader -> graph import -> shape inference -> XNNPACK runtime.
// Any bytes must give either a model or one error message: never a crash, leak or hang.
inline int fuzz_onnx_one(const uint8_t* data, size_t size) {
  char error[256];
  dv_model* m = dv_model_load_bytes(data, size, error, sizeof error);
  if (m == nullptr) return 0;
  // Dynamic inputs get small sizes, so the runtime is built (that is where XNNPACK is reached), in
  // fp32 and then in int8 (engine kernels between XNNPACK segments: xnn/segments.h).
  for (const dv_precision precision : {dv_precision_fp32, dv_precision_int8}) {
    dv_model_set_precision(m, precision);
    for (size_t i = 0; i < dv_model_input_count(m); ++i) {
      dv_shape s = dv_model_input_shape(m, i);
      for (size_t k = 0; k < s.rank; ++k) s.dims[k] = s.dims[k] < 0 ? 4 : std::min<int64_t>(s.dims[k], 64);
      dv_model_set_input_shape(m, i, &s);
    }
  }
  dv_model_free(m);
  return 0;
}

// photo bytes -> format detection, header size check, decoding (stb, libpng, libwebp, libheif),
// EXIF / HEIF orientation (libexif, libheif), a HEIF's depth image and its conversion, the camera
// depth of a decoded photo (Dynamic Depth, GDepth, HEIC), the depth-file sniffing. Bad bytes
// must give an ImageError, nothing else.
inline int fuzz_image_one(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  (void)dv::depth::exif_orientation(bytes);
  try {
    // A lower pixel limit than the app's keeps each input's memory small for the fuzzer.
    const dv::depth::Image img = dv::depth::decode_image(bytes, "fuzz", 1'000'000);
    if (img.rgb.size() != size_t(img.width) * size_t(img.height) * 3) std::abort();
    // The camera depth the viewer looks for in every photo, on that photo's grid.
    if (const auto camera = dv::depth::read_camera_depth(bytes, img.width, img.height, "fuzz"))
      if (camera->depth.width != img.width || camera->depth.height != img.height) std::abort();
  } catch (const dv::depth::ImageError&) {
  }
  (void)dv::depth::looks_like_depth_file(bytes);
  try {
    (void)dv::depth::decode_grey16(bytes, "fuzz", 1'000'000);
  } catch (const dv::depth::ImageError&) {
  }
  try {
    if (const auto depth = dv::depth::read_heif_depth(bytes, "fuzz", 1'000'000)) {
      if (depth->samples.size() != size_t(depth->width) * size_t(depth->height)) std::abort();
      (void)dv::depth::heif_depth_map(*depth);
    }
  } catch (const dv::depth::ImageError&) {
  }
  return 0;
}

// The exporters' input validation. The bytes choose a depth map (any size, any
// float values including NaN/Inf, sometimes inconsistent with its declared size), a photo, and
// the options; every exporter must either produce its output or throw std::invalid_argument /
// std::runtime_error.
namespace detail {
struct Reader {
  const uint8_t* data;
  size_t size, pos = 0;
  uint8_t byte() { return pos < size ? data[pos++] : 0; }
  float number() {
    float f = 0;
    if (pos + 4 <= size) std::memcpy(&f, data + pos, 4), pos += 4;
    return f;
  }
};

template <typename F>
void expect_clean(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument&) {
  } catch (const std::runtime_error&) {
  }
}
}  // namespace detail

inline int fuzz_export_one(const uint8_t* data, size_t size) {
  detail::Reader r{data, size};
  namespace d = dv::depth;
  d::DepthMap depth;
  depth.width = int(r.byte() % 40) - 2;  // sometimes 0 or negative
  depth.height = int(r.byte() % 40) - 2;
  const size_t count = r.byte() % 2 ? size_t(std::max(0, depth.width) * std::max(0, depth.height)) : r.byte();
  for (size_t i = 0; i < count; ++i) depth.values.push_back(r.number());
  d::Image photo{std::max(0, depth.width), std::max(0, depth.height), {}};
  if (r.byte() % 4) photo.rgb.resize(size_t(photo.width) * size_t(photo.height) * 3, r.byte());
  d::MeshOptions mesh{int(r.byte()) - 8, r.number(), r.number()};
  d::PointCloudOptions points{int(r.byte()) - 8, r.number(), r.number()};
  detail::expect_clean([&] { d::build_relief_mesh(depth, mesh); });
  detail::expect_clean([&] { d::build_point_cloud(depth, photo, points); });
  detail::expect_clean([&] { d::encode_png16(depth); });
  detail::expect_clean([&] { d::apply_colormap(depth, d::Colormap::Turbo); });
  detail::expect_clean([&] { d::guided_filter(depth, photo, {int(r.byte() % 16), r.number()}); });
  detail::expect_clean([&] { d::resize(depth, int(r.byte() % 64) - 2, int(r.byte() % 64) - 2); });
  detail::expect_clean([&] { d::normalize(depth); });
#if DV_HAVE_CONTAINER
  // Any near / far (NaN, negative, reversed) and either item kind: a file or std::invalid_argument.
  d::DynamicDepthOptions dynamic_depth;
  dynamic_depth.near = r.number(), dynamic_depth.far = r.number(), dynamic_depth.png16 = r.byte() % 2;
  detail::expect_clean([&] { d::encode_dynamic_depth_jpeg(photo, depth, dynamic_depth); });
#endif
  return 0;
}

}  // namespace dv::fuzz
