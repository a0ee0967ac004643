// The camera depth a photo brings (depth/camera_depth.h) and what the viewer makes of measured
// depth (depth/sensor_views.h): the shared phone photos give maps on the photo's grid within the
// ranges their files state; a plain photo gives none; a wrong size is one clear error; the fitted
// model, error map and metrics are exact where the model is an exact transform of the sensor.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "depth/camera_depth.h"
#include "depth/export.h"
#include "depth/image.h"
#include "depth/orientation.h"
#include "depth/sensor_views.h"

namespace fs = std::filesystem;
namespace d = dv::depth;

namespace {

const fs::path kPhone = fs::path(DV_SHARED_DIR) / "phone";

bool have(const fs::path& file) {
  if (fs::exists(file)) return true;
  MESSAGE("SKIPPED: " << file.string() << " is absent (../shared)");
  return false;
}

// JPEG camera depth needs media/container (pugixml, libb64) in the build.
bool have_container() {
  if (DV_HAVE_CONTAINER) return true;
  MESSAGE("SKIPPED: this build has no JPEG container parser (media/container)");
  return false;
}

struct Range {
  float lo = INFINITY, hi = 0;
  size_t valid = 0;
};
Range range_of(const d::DepthMap& m) {
  Range r;
  for (const float v : m.values)
    if (v > 0 && std::isfinite(v)) r.lo = std::min(r.lo, v), r.hi = std::max(r.hi, v), ++r.valid;
  return r;
}

// The camera depth of a shared phone photo, at the decoded photo's size.
d::CameraDepth camera_depth_of(const fs::path& file, d::Image* photo) {
  const auto bytes = d::read_file(file.string());
  *photo = d::decode_image(bytes, file.filename().string());
  const auto depth = d::read_camera_depth(bytes, photo->width, photo->height, file.filename().string());
  REQUIRE(depth.has_value());
  CHECK(depth->depth.width == photo->width);
  CHECK(depth->depth.height == photo->height);
  return *depth;
}

}  // namespace

TEST_CASE("camera depth: the Pixel's Dynamic Depth in metres, within the XMP's Near and Far") {
  const fs::path file = kPhone / "pixel8_dynamic_depth_flowers.jpg";
  if (!have(file) || !have_container()) return;
  d::Image photo;
  const auto depth = camera_depth_of(file, &photo);
  CHECK(depth.metric);
  CHECK(depth.source.find("Dynamic Depth (RangeInverse") == 0);
  CHECK(depth.stored_width == 2024);
  CHECK(depth.stored_height == 2688);
  const Range r = range_of(depth.depth);
  CHECK(r.valid == depth.depth.values.size());
  // ../shared/phone/README.md: Near 0.2088, Far 5.703; 8-bit samples span (most of) that range.
  CHECK(r.lo >= doctest::Approx(0.2088).epsilon(1e-4));
  CHECK(r.hi <= doctest::Approx(5.703).epsilon(1e-4));
  CHECK(r.hi / r.lo > 3.0f);
}

TEST_CASE("camera depth: Lens Blur's GDepth in the file's own units") {
  const fs::path file = kPhone / "lensblur_gdepth.jpg";
  if (!have(file) || !have_container()) return;
  d::Image photo;
  const auto depth = camera_depth_of(file, &photo);
  CHECK_FALSE(depth.metric);  // GDepth has no units
  CHECK(depth.source.find("GDepth (Lens Blur) (RangeInverse") == 0);
  const Range r = range_of(depth.depth);
  CHECK(r.lo >= doctest::Approx(18.8495).epsilon(1e-4));
  CHECK(r.hi <= doctest::Approx(633.3235).epsilon(1e-4));
}

TEST_CASE("camera depth: the iPhone's 768x576 depth image resampled to the 4032x3024 photo") {
  const fs::path file = kPhone / "iphone_portrait_pug.heic";
  if (!have(file)) return;
  if (!DV_HAVE_HEIF) {
    MESSAGE("SKIPPED: this build has no HEIC support");
    return;
  }
  d::Image photo;
  const auto depth = camera_depth_of(file, &photo);
  CHECK(depth.metric);
  CHECK(depth.source.find("HEIC depth image (uniform disparity)") == 0);
  CHECK(depth.stored_width == 768);
  CHECK(depth.stored_height == 576);
  const Range r = range_of(depth.depth);
  // disparity d_min 1.498 .. d_max 4.383 per metre: depth 0.228 .. 0.668 m
  CHECK(r.lo >= doctest::Approx(1 / 4.383).epsilon(1e-3));
  CHECK(r.hi <= doctest::Approx(1 / 1.498).epsilon(1e-3));
}

TEST_CASE("camera depth: a photo without embedded depth has none; a wrong photo size is refused") {
  const d::Image grey{8, 6, std::vector<uint8_t>(8 * 6 * 3, 128)};
  const auto jpeg = d::encode_jpeg(grey);
  CHECK_FALSE(d::read_camera_depth(jpeg, 8, 6).has_value());
  CHECK_FALSE(d::read_camera_depth(std::vector<uint8_t>{1, 2, 3}, 8, 6).has_value());
  const fs::path file = kPhone / "pixel8_dynamic_depth_flowers.jpg";
  if (!have(file) || !have_container()) return;
  const auto bytes = d::read_file(file.string());
  CHECK_THROWS_WITH_AS(d::read_camera_depth(bytes, 2688, 2024, "flowers.jpg"),
                       doctest::Contains("flowers.jpg's camera depth: the depth map is 2024x2688"), d::ImageError);
  // The same aspect at another size is resampled, not refused.
  CHECK(d::read_camera_depth(bytes, 506, 672, "flowers.jpg")->depth.width == 506);
}

TEST_CASE("depth maps turn with the photo's EXIF orientation") {
  const d::DepthMap stored{3, 2, {1, 2, 3, 4, 5, 6}};
  const d::DepthMap cw = d::apply_orientation(stored, 6);  // needs 90° clockwise
  CHECK(cw.width == 2);
  CHECK(cw.height == 3);
  CHECK(cw.values == std::vector<float>{4, 1, 5, 2, 6, 3});
  CHECK(d::apply_orientation(stored, 1).values == stored.values);
}

TEST_CASE("sensor views: a model that is an exact inverse-depth line of the sensor fits it exactly") {
  const int w = 40, h = 30;
  d::DepthMap sensor{w, h, std::vector<float>(size_t(w * h))}, model{w, h, std::vector<float>(size_t(w * h))};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float z = 1.0f + 0.05f * float(x) + 0.02f * float(y);  // metres
      const size_t i = size_t(y * w + x);
      model.values[i] = 3.0f / z + 0.5f;  // the model's own scale and shift
      sensor.values[i] = (x + y) % 3 == 0 ? z : 0.0f;  // a third measured
    }
  const d::SensorViews v = d::sensor_views(sensor, model);
  CHECK(v.metrics.abs_rel < 1e-4);
  CHECK(v.metrics.delta1 == doctest::Approx(1.0));
  CHECK(v.metrics.valid_pixels == size_t(std::count_if(sensor.values.begin(), sensor.values.end(), [](float s) { return s > 0; })));
  for (size_t i = 0; i < sensor.values.size(); ++i) {
    if (sensor.values[i] > 0) {
      CHECK(v.relative_error.values[i] < 1e-4f);
    } else {
      CHECK(std::isnan(v.relative_error.values[i]));
    }
  }
  CHECK(v.model_fitted.values[size_t(w * h - 1)] == doctest::Approx(1.0f + 0.05f * 39 + 0.02f * 29).epsilon(1e-3));
  CHECK(v.fused.depth.values[1] == doctest::Approx(1.05f).epsilon(1e-3));  // a hole, filled
}

TEST_CASE("sensor views: relative error where the model is off by 10 %") {
  const d::DepthMap sensor{2, 1, {2.0f, 4.0f}};
  const d::DepthMap fitted = d::fitted_depth(d::DepthMap{2, 1, {0.5f, 0.25f}}, {1.0 / 1.1, 0.0}, 0.1f, 100.0f);
  CHECK(fitted.values[0] == doctest::Approx(2.2f));
  CHECK(fitted.values[1] == doctest::Approx(4.4f));
  const auto m = d::depth_metrics(fitted, sensor);
  CHECK(m.abs_rel == doctest::Approx(0.1));
  // A line that gives no positive inverse depth lands on the far clip.
  CHECK(d::fitted_depth(d::DepthMap{1, 1, {1.0f}}, {-1.0, 0.0}, 0.1f, 9.0f).values[0] == 9.0f);
}

TEST_CASE("normalized inverse depth: near is 1, far is 0, holes are 0") {
  d::DepthMap depth{101, 1, {}};
  for (int i = 0; i <= 100; ++i) depth.values.push_back(i == 50 ? 0.0f : 1.0f + 0.04f * float(i));
  float near = 0, far = 0;
  const d::DepthMap n = d::normalized_inverse_depth(depth, &near, &far);
  CHECK(n.values[0] == doctest::Approx(1.0f));
  CHECK(n.values[100] == doctest::Approx(0.0f));
  CHECK(n.values[50] == 0.0f);
  CHECK(n.values[10] > n.values[20]);
  CHECK(near == doctest::Approx(1.04f));  // the 1st / 99th percentiles
  CHECK(far == doctest::Approx(5.0f));
}
