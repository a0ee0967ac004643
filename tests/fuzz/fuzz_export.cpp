// libFuzzer target: the exporters' input validation. The bytes choose a depth map (any size, any
// float values including NaN/Inf, sometimes inconsistent with its declared size), a photo, and
// the options; every exporter must either produce its output or throw std::invalid_argument /
// std::runtime_error.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "depth/colormap.h"
#include "depth/export.h"
#include "depth/guided_filter.h"
#include "depth/mesh.h"
#include "depth/pointcloud.h"

namespace {
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
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{data, size};
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
  expect_clean([&] { d::build_relief_mesh(depth, mesh); });
  expect_clean([&] { d::build_point_cloud(depth, photo, points); });
  expect_clean([&] { d::encode_png16(depth); });
  expect_clean([&] { d::apply_colormap(depth, d::Colormap::Turbo); });
  expect_clean([&] { d::guided_filter(depth, photo, {int(r.byte() % 16), r.number()}); });
  expect_clean([&] { d::resize(depth, int(r.byte() % 64) - 2, int(r.byte() % 64) - 2); });
  expect_clean([&] { d::normalize(depth); });
  return 0;
}
