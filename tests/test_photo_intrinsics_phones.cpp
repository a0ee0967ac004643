// The phone photos of ../shared/phone: their EXIF focal lengths read as exiftool reads them and
// give the field of view the 35 mm equivalence by the diagonal gives (exiftool's own FOV, by the
// long side, is printed beside it); the Pixel 8's Dynamic Depth imaging model is exiftool's XMP
// values scaled to the photo and wins over its EXIF; the GCam XMP's model reads as written; the
// Lens Blur splits and ../shared/photos state no camera. Native: exiftool, libheif, pugixml.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "depth/exif_tags.h"
#include "depth/image.h"
#include "depth/photo_intrinsics.h"
#include "media/container/dynamic_depth.h"
#include "media/container/xmp.h"
#include "support/exiftool.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using dv::test::TempDir;

namespace {

const fs::path kShared = fs::path(DV_SHARED_DIR);

bool present(const fs::path& path) {
  if (fs::exists(path)) return true;
  MESSAGE("SKIPPED: " << path.string() << " is absent");
  return false;
}

bool exiftool_present() {
  if (dv::test::have_exiftool()) return true;
  MESSAGE("SKIPPED the comparison with exiftool: it is not installed (Debian libimage-exiftool-perl)");
  return false;
}

// The photo's EXIF against exiftool's, and the field of view it gives. Returns the intrinsics.
dv::depth::CameraIntrinsics check_exif_against_exiftool(const fs::path& path) {
  CAPTURE(path.string());
  const std::vector<uint8_t> bytes = dv::depth::read_file(path.string());
  const dv::depth::Image photo = dv::depth::decode_image(bytes, path.string());
  const dv::depth::ExifTags tags = dv::depth::photo_exif_tags(bytes);
  TempDir tmp;
  const double f35 = dv::test::exiftool_number("-FocalLengthIn35mmFormat", path, tmp);
  CHECK(tags.focal_length_35mm == f35);
  CHECK(tags.focal_length_mm == doctest::Approx(dv::test::exiftool_number("-FocalLength", path, tmp)));
  const auto k = dv::depth::exif_intrinsics(tags, photo.width, photo.height);
  REQUIRE(k);
  const double fx = f35 * std::hypot(photo.width, photo.height) / std::hypot(36.0, 24.0);
  CHECK(k->fx == doctest::Approx(fx));
  CHECK(k->horizontal_fov_degrees() == doctest::Approx(2 * std::atan(0.5 * photo.width / fx) * 180 / std::numbers::pi));
  const double long_side_fov = std::max(k->horizontal_fov_degrees(), k->vertical_fov_degrees());
  const double exiftool_fov = dv::test::exiftool_number("-FOV", path, tmp);  // 36 mm across the long side
  MESSAGE(path.filename().string() << " " << photo.width << "x" << photo.height << ": 35 mm equivalent " << f35
                                   << " mm, horizontal FOV " << k->horizontal_fov_degrees() << "°, long side "
                                   << long_side_fov << "° (exiftool's FOV " << exiftool_fov << "°)");
  // The two conventions part by the photo's aspect only (3:2: none; 4:3: 4%).
  CHECK(long_side_fov == doctest::Approx(exiftool_fov).epsilon(0.05));
  return *k;
}

}  // namespace

TEST_CASE("photo intrinsics: the phone photos' EXIF focal lengths as exiftool reads them") {
  const std::vector<std::string> files = {"lensblur_gdepth.jpg", "pixel8_dynamic_depth_flowers.jpg",
#if DV_HAVE_HEIF
                                          "iphone_portrait_pug.heic"
#endif
  };
  if (!present(kShared / "phone") || !exiftool_present()) return;
  for (const std::string& name : files) {
    const fs::path path = kShared / "phone" / name;
    if (!present(path)) continue;
    const dv::depth::CameraIntrinsics k = check_exif_against_exiftool(path);
    CHECK(k.source == "EXIF 35 mm equivalent focal length");
  }
}

TEST_CASE("photo intrinsics: the Pixel 8's Dynamic Depth imaging model, scaled to the photo") {
  const fs::path path = kShared / "phone" / "pixel8_dynamic_depth_flowers.jpg";
  if (!present(path)) return;
  const std::vector<uint8_t> bytes = dv::depth::read_file(path.string());
  const auto model = dv::media::read_imaging_model(bytes);
  REQUIRE(model);
  CHECK(model->focal_length_x == 2938.025391);
  CHECK(model->image_width == 3072);
  CHECK(model->image_height == 4080);
  // At its own size (3072x4080), and at the size of the depth map and original (2024x2688).
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{3072, 4080}, {2024, 2688}}) {
    CAPTURE(w);
    const auto k = dv::depth::photo_intrinsics(bytes, w, h);
    REQUIRE(k);
    CHECK(k->source == "Dynamic Depth imaging model");
    const double s = w / 3072.0;
    CHECK(k->fx == doctest::Approx(2938.025391 * s));
    CHECK(k->cx == doctest::Approx((1479.836060 + 0.5) * s - 0.5));
    CHECK(k->cy == doctest::Approx((2039.145508 + 0.5) * h / 4080.0 - 0.5));
    MESSAGE("Pixel 8 imaging model at " << w << "x" << h << ": fx " << k->fx << " px, horizontal FOV "
                                        << k->horizontal_fov_degrees() << "°");
  }
  if (!exiftool_present()) return;
  TempDir tmp;
  CHECK(model->focal_length_x == dv::test::exiftool_number("-XMP-Device:ImagingModelFocalLengthX", path, tmp));
  CHECK(model->focal_length_y == dv::test::exiftool_number("-XMP-Device:ImagingModelFocalLengthY", path, tmp));
  CHECK(*model->principal_point_x == dv::test::exiftool_number("-XMP-Device:ImagingModelPrincipalPointX", path, tmp));
  CHECK(*model->principal_point_y == dv::test::exiftool_number("-XMP-Device:ImagingModelPrincipalPointY", path, tmp));
  CHECK(double(model->image_width) == dv::test::exiftool_number("-XMP-Device:ImagingModelImageWidth", path, tmp));
  CHECK(double(model->image_height) == dv::test::exiftool_number("-XMP-Device:ImagingModelImageHeight", path, tmp));
  CHECK(model->pixel_aspect_ratio == dv::test::exiftool_number("-XMP-Device:ImagingModelPixelAspectRatio", path, tmp));
}

TEST_CASE("photo intrinsics: the GCam portrait XMP's imaging model") {
  const fs::path path = kShared / "phone" / "gcam_portrait_dynamic_depth.xmp.xml";
  if (!present(path)) return;
  const std::vector<uint8_t> text = dv::depth::read_file(path.string());
  const auto xmp = dv::media::XmpDocument::parse(std::string(text.begin(), text.end()), "the GCam XMP");
  const auto model = dv::media::describe_imaging_model(xmp);
  REQUIRE(model);
  CHECK(model->focal_length_x == 1812.5);
  CHECK(model->focal_length_y == 1812.5);
  CHECK(model->image_width == 3264);
  CHECK(model->image_height == 2448);
  CHECK(model->principal_point_x == 1643.292236);
  CHECK(model->principal_point_y == 1232.100342);
  const auto k = dv::depth::imaging_model_intrinsics(*model, 1, 3264, 2448);
  REQUIRE(k);
  CHECK(k->horizontal_fov_degrees() == doctest::Approx(2 * std::atan(1632 / 1812.5) * 180 / std::numbers::pi));
}

TEST_CASE("photo intrinsics: photos that state no camera have none") {
  std::vector<fs::path> files;
  for (const char* name : {"flowers-alternative.jpg", "hut-alternative.jpg", "mango-alternative.jpg"})
    files.push_back(kShared / "phone" / "depthy" / name);
  if (fs::exists(kShared / "photos"))
    for (const auto& entry : fs::recursive_directory_iterator(kShared / "photos"))
      if (entry.path().extension() == ".jpg" || entry.path().extension() == ".png") files.push_back(entry.path());
  size_t checked = 0;
  for (const fs::path& path : files) {
    if (!fs::exists(path)) continue;
    CAPTURE(path.string());
    const std::vector<uint8_t> bytes = dv::depth::read_file(path.string());
    CHECK_FALSE(dv::depth::photo_intrinsics(bytes, 640, 480));  // no metadata: the size does not matter
    ++checked;
  }
  if (checked == 0) MESSAGE("SKIPPED: ../shared/phone/depthy and ../shared/photos are absent");
}
