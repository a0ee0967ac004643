// Camera intrinsics: field of view, resizing and EXIF orientation move the camera as they move the
// pixels; EXIF's 35 mm equivalent focal length (by the diagonal) and FocalLength with the focal
// plane resolution give the hand-computed focal lengths in synthetic JPEGs; Dynamic Depth imaging
// models are scaled and turned to the photo; a photo without them, or with nonsense (zero or
// negative focal lengths), has none.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "depth/camera_intrinsics.h"
#include "depth/exif_tags.h"
#include "depth/export.h"
#include "depth/orientation.h"
#include "depth/photo_intrinsics.h"
#include "support/exif_jpeg.h"
#if DV_HAVE_CONTAINER
#include "media/container/container_error.h"
#include "media/container/dynamic_depth.h"
#include "media/container/xmp.h"
#endif

using dv::depth::CameraIntrinsics;
using dv::depth::ExifTags;
using dv::depth::Image;
using dv::test::ExifValue;

namespace {

Image grey(int w, int h) { return Image{w, h, std::vector<uint8_t>(size_t(w) * size_t(h) * 3, 128)}; }

// Where the one bright pixel of an image is.
dv::depth::PixelPoint bright_pixel(const Image& img) {
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      if (img.rgb[(size_t(y) * size_t(img.width) + size_t(x)) * 3] == 255) return {double(x), double(y)};
  return {-1, -1};
}

}  // namespace

TEST_CASE("intrinsics: field of view, back-projection and resizing") {
  const CameraIntrinsics k = dv::depth::intrinsics_from_fov(90.0, 100, 50, "test");
  CHECK(k.fx == doctest::Approx(50.0));
  CHECK(k.fy == doctest::Approx(50.0));
  CHECK(k.cx == 49.5);
  CHECK(k.cy == 24.5);
  CHECK(k.horizontal_fov_degrees() == doctest::Approx(90.0));
  CHECK(k.vertical_fov_degrees() == doctest::Approx(2 * std::atan(0.5) * 180 / std::numbers::pi));
  // The centre looks straight down −z; the right edge's centre at tan 45° · 49.5 / 50.
  const auto centre = dv::depth::back_project(k, 49.5, 24.5, 3.0);
  CHECK(centre[0] == 0.0f);
  CHECK(centre[1] == 0.0f);
  CHECK(centre[2] == -3.0f);
  const auto right = dv::depth::back_project(k, 99, 24.5, 2.0);
  CHECK(right[0] == doctest::Approx(2.0 * 49.5 / 50));
  CHECK(dv::depth::back_project(k, 49.5, 0, 1.0)[1] > 0);  // the top row is up
  // Twice the size: twice the focal length, the centre still the centre, the same field of view.
  const CameraIntrinsics big = k.scaled_to(200, 100);
  CHECK(big.fx == doctest::Approx(100.0));
  CHECK(big.cx == doctest::Approx(99.5));
  CHECK(big.cy == doctest::Approx(49.5));
  CHECK(big.horizontal_fov_degrees() == doctest::Approx(90.0));
  CHECK(big.source == "test");
  // An off-centre principal point keeps its place in the picture: pixel edges, not centres, scale.
  const CameraIntrinsics off{10, 10, 0, 0, 4, 4, "off"};
  CHECK(off.scaled_to(8, 8).cx == doctest::Approx(0.5));
  CHECK_THROWS_WITH(k.scaled_to(0, 10), doctest::Contains("cannot scale"));
  CHECK_THROWS_WITH(dv::depth::intrinsics_from_fov(180.0, 10, 10, ""), doctest::Contains("field of view"));
  CHECK(dv::depth::same_aspect(3072, 4080, 2024, 2688));
  CHECK_FALSE(dv::depth::same_aspect(4080, 3072, 2024, 2688));
}

TEST_CASE("intrinsics: EXIF orientation moves the principal point as apply_orientation moves pixels") {
  // A stored 7x4 image with one bright pixel at the principal point (5, 1).
  Image stored = grey(7, 4);
  stored.rgb[(1 * 7 + 5) * 3] = 255;
  const CameraIntrinsics k{30, 20, 5, 1, 7, 4, "sensor"};
  for (int o = 1; o <= 8; ++o) {
    CAPTURE(o);
    const Image upright = dv::depth::apply_orientation(stored, o);
    const CameraIntrinsics turned = k.rotated(o);
    CHECK(turned.width == upright.width);
    CHECK(turned.height == upright.height);
    const dv::depth::PixelPoint bright = bright_pixel(upright);
    CHECK(turned.cx == bright.x);
    CHECK(turned.cy == bright.y);
    CHECK(turned.fx == (o >= 5 ? 20 : 30));  // the stored x axis is the upright y axis for 5..8
    CHECK(turned.fy == (o >= 5 ? 30 : 20));
  }
  CHECK(k.rotated(0).cx == 5);  // not an orientation: unchanged
}

TEST_CASE("intrinsics: a JPEG's EXIF 35 mm equivalent focal length, by the diagonal") {
  // 28 mm equivalent on a 64x48 photo: the 80-pixel diagonal stands for 43.27 mm, so
  // fx = 28 · 80 / 43.2666 = 51.771 px and the horizontal FOV is 2·atan(32 / 51.771) = 63.45°.
  const auto jpeg = dv::test::jpeg_with_exif(
      grey(64, 48), {{EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH_IN_35MM_FILM, EXIF_FORMAT_SHORT, 28},
                     {EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH, EXIF_FORMAT_RATIONAL, 4.2}});
  const ExifTags tags = dv::depth::photo_exif_tags(jpeg);
  CHECK(tags.focal_length_35mm == 28);
  CHECK(tags.focal_length_mm == doctest::Approx(4.2));
  const auto k = dv::depth::photo_intrinsics(jpeg, 64, 48);
  REQUIRE(k);
  CHECK(k->source == "EXIF 35 mm equivalent focal length");
  CHECK(k->fx == doctest::Approx(28 * 80 / std::hypot(36.0, 24.0)));
  CHECK(k->fx == k->fy);
  CHECK(k->cx == 31.5);
  CHECK(k->cy == 23.5);
  CHECK(k->horizontal_fov_degrees() == doctest::Approx(63.45).epsilon(1e-3));
  // Portrait, or resized: the same field of view across the diagonal.
  const auto portrait = dv::depth::photo_intrinsics(jpeg, 48, 64);
  REQUIRE(portrait);
  CHECK(portrait->vertical_fov_degrees() == doctest::Approx(k->horizontal_fov_degrees()));
  CHECK(dv::depth::photo_intrinsics(jpeg, 32, 24)->horizontal_fov_degrees() ==
        doctest::Approx(k->horizontal_fov_degrees()));
}

TEST_CASE("intrinsics: FocalLength with the focal plane resolution, scaled from the camera's image") {
  // 5 mm at 1000 px/cm on a 640x480 sensor image: 500 px; the photo is that image at 64x48: 50 px.
  const std::vector<ExifValue> tags = {
      {EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH, EXIF_FORMAT_RATIONAL, 5},
      {EXIF_IFD_EXIF, EXIF_TAG_FOCAL_PLANE_X_RESOLUTION, EXIF_FORMAT_RATIONAL, 1000},
      {EXIF_IFD_EXIF, EXIF_TAG_FOCAL_PLANE_RESOLUTION_UNIT, EXIF_FORMAT_SHORT, 3},
      {EXIF_IFD_EXIF, EXIF_TAG_PIXEL_X_DIMENSION, EXIF_FORMAT_LONG, 640},
      {EXIF_IFD_EXIF, EXIF_TAG_PIXEL_Y_DIMENSION, EXIF_FORMAT_LONG, 480}};
  const auto jpeg = dv::test::jpeg_with_exif(grey(64, 48), tags);
  const auto k = dv::depth::photo_intrinsics(jpeg, 64, 48);
  REQUIRE(k);
  CHECK(k->source == "EXIF focal length and focal plane resolution");
  CHECK(k->fx == doctest::Approx(50.0));
  CHECK(k->fy == doctest::Approx(50.0));
  // Inches (EXIF's default unit) when the unit is not stated: 5 mm · 2540 px/in / 25.4 = 500 px.
  ExifTags inches;
  inches.focal_length_mm = 5;
  inches.focal_plane_x_resolution = 2540;
  CHECK(dv::depth::exif_intrinsics(inches, 640, 480)->fx == doctest::Approx(500.0));
  // The 35 mm equivalent wins over the focal plane when both are there.
  ExifTags both = inches;
  both.focal_length_35mm = 28;
  CHECK(dv::depth::exif_intrinsics(both, 640, 480)->source == "EXIF 35 mm equivalent focal length");
}

TEST_CASE("intrinsics: no EXIF, no focal length or nonsense ones: none, never a division by zero") {
  CHECK_FALSE(dv::depth::photo_intrinsics(dv::depth::encode_jpeg(grey(16, 12)), 16, 12));  // no EXIF at all
  const auto orientation_only =
      dv::test::jpeg_with_exif(grey(16, 12), {{EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, 1}});
  CHECK_FALSE(dv::depth::photo_intrinsics(orientation_only, 16, 12));
  const auto zero_35mm =  // EXIF's "unknown"
      dv::test::jpeg_with_exif(grey(16, 12), {{EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH_IN_35MM_FILM, EXIF_FORMAT_SHORT, 0}});
  CHECK_FALSE(dv::depth::photo_intrinsics(zero_35mm, 16, 12));
  const std::vector<uint8_t> not_an_image = {1, 2, 3, 4, 5, 6, 7, 8};
  CHECK_FALSE(dv::depth::photo_intrinsics(not_an_image, 16, 12));
  CHECK_FALSE(dv::depth::photo_intrinsics({}, 16, 12));

  ExifTags tags;
  CHECK_FALSE(dv::depth::exif_intrinsics(tags, 640, 480));
  tags.focal_length_35mm = -24;
  CHECK_FALSE(dv::depth::exif_intrinsics(tags, 640, 480));
  tags.focal_length_35mm = 24;
  CHECK_FALSE(dv::depth::exif_intrinsics(tags, 0, 480));  // no image
  tags = {};
  tags.focal_length_mm = 0;
  tags.focal_plane_x_resolution = 1000;
  CHECK_FALSE(dv::depth::exif_intrinsics(tags, 640, 480));
  tags.focal_length_mm = 5;
  tags.focal_plane_resolution_unit = 1;  // "no absolute unit"
  CHECK_FALSE(dv::depth::exif_intrinsics(tags, 640, 480));
  tags.focal_plane_resolution_unit = 3;
  tags.focal_plane_x_resolution = -1000;
  CHECK_FALSE(dv::depth::exif_intrinsics(tags, 640, 480));

  CHECK_FALSE((CameraIntrinsics{0, 10, 5, 5, 10, 10, ""}.valid()));
  CHECK_FALSE((CameraIntrinsics{10, -10, 5, 5, 10, 10, ""}.valid()));
  CHECK_FALSE((CameraIntrinsics{10, 10, NAN, 5, 10, 10, ""}.valid()));
  CHECK_FALSE((CameraIntrinsics{10, 10, 5, 5, 0, 10, ""}.valid()));
}

#if DV_HAVE_CONTAINER
namespace {

// A Dynamic Depth XMP whose first camera has an imaging model with these attributes.
dv::media::XmpDocument imaging_model_xmp(const std::string& attributes) {
  return dv::media::XmpDocument::parse(
      R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:Device="http://ns.google.com/photos/dd/1.0/device/"
  xmlns:Camera="http://ns.google.com/photos/dd/1.0/camera/"
  xmlns:ImagingModel="http://ns.google.com/photos/dd/1.0/imagingmodel/">
<Device:Cameras><rdf:Seq><rdf:li rdf:parseType="Resource"><Device:Camera rdf:parseType="Resource">
<Camera:ImagingModel )" + attributes + R"(/>
</Device:Camera></rdf:li></rdf:Seq></Device:Cameras></rdf:Description></rdf:RDF></x:xmpmeta>)",
      "test XMP");
}

}  // namespace

TEST_CASE("intrinsics: a Dynamic Depth imaging model, scaled and turned to the photo") {
  const auto xmp = imaging_model_xmp(
      R"(ImagingModel:FocalLengthX="800" ImagingModel:FocalLengthY="810" ImagingModel:ImageWidth="400"
         ImagingModel:ImageHeight="300" ImagingModel:PrincipalPointX="210" ImagingModel:PrincipalPointY="140"
         ImagingModel:PixelAspectRatio="1.0")");
  const auto model = dv::media::describe_imaging_model(xmp);
  REQUIRE(model);
  CHECK(model->focal_length_x == 800);
  CHECK(model->focal_length_y == 810);
  CHECK(model->image_width == 400);
  CHECK(model->image_height == 300);
  CHECK(model->principal_point_x == 210.0);
  CHECK(model->principal_point_y == 140.0);
  CHECK(model->pixel_aspect_ratio == 1.0);
  // The photo at half size: half the focal lengths, the principal point where it was in the picture.
  const auto half = dv::depth::imaging_model_intrinsics(*model, 1, 200, 150);
  REQUIRE(half);
  CHECK(half->source == "Dynamic Depth imaging model");
  CHECK(half->fx == 400);
  CHECK(half->fy == 405);
  CHECK(half->cx == doctest::Approx((210 + 0.5) / 2 - 0.5));
  CHECK(half->cy == doctest::Approx((140 + 0.5) / 2 - 0.5));
  // A model of the pixels as stored, for a photo turned upright by orientation 6: turned first.
  const auto upright = dv::depth::imaging_model_intrinsics(*model, 6, 300, 400);
  REQUIRE(upright);
  CHECK(upright->fx == 810);
  CHECK(upright->fy == 800);
  CHECK(upright->cx == 300 - 1 - 140);
  CHECK(upright->cy == 210);
  // Of neither aspect (a crop): no camera rather than a wrong one.
  CHECK_FALSE(dv::depth::imaging_model_intrinsics(*model, 1, 300, 300));
  CHECK_FALSE(dv::depth::imaging_model_intrinsics(*model, 1, 300, 400));  // turned, but orientation 1
}

TEST_CASE("intrinsics: imaging models without a principal point, with fractions, or with nonsense") {
  const auto centred = dv::media::describe_imaging_model(imaging_model_xmp(
      R"(ImagingModel:FocalLengthX="500" ImagingModel:FocalLengthY="500" ImagingModel:ImageWidth="640" ImagingModel:ImageHeight="480")"));
  REQUIRE(centred);
  CHECK_FALSE(centred->principal_point_x);
  const auto k = dv::depth::imaging_model_intrinsics(*centred, 1, 640, 480);
  REQUIRE(k);
  CHECK(k->cx == 319.5);
  CHECK(k->cy == 239.5);
  const auto fractions = dv::media::describe_imaging_model(imaging_model_xmp(
      R"(ImagingModel:FocalLengthX="500" ImagingModel:FocalLengthY="500" ImagingModel:ImageWidth="640" ImagingModel:ImageHeight="480"
         ImagingModel:PrincipalPointX="0.5" ImagingModel:PrincipalPointY="0.5")"));
  REQUIRE(fractions);
  CHECK(dv::depth::imaging_model_intrinsics(*fractions, 1, 640, 480)->cx == 319.5);  // the reference library's default

  for (const char* focal : {"0", "-500"}) {
    CAPTURE(focal);
    const auto bad = dv::media::describe_imaging_model(imaging_model_xmp(
        std::string(R"(ImagingModel:FocalLengthX=")") + focal +
        R"(" ImagingModel:FocalLengthY="500" ImagingModel:ImageWidth="640" ImagingModel:ImageHeight="480")"));
    REQUIRE(bad);
    CHECK_FALSE(dv::depth::imaging_model_intrinsics(*bad, 1, 640, 480));
  }
  const auto no_size = dv::media::describe_imaging_model(imaging_model_xmp(
      R"(ImagingModel:FocalLengthX="500" ImagingModel:FocalLengthY="500" ImagingModel:ImageWidth="0" ImagingModel:ImageHeight="480")"));
  REQUIRE(no_size);
  CHECK_FALSE(dv::depth::imaging_model_intrinsics(*no_size, 1, 640, 480));

  using dv::media::ContainerError;
  CHECK_THROWS_WITH_AS(dv::media::describe_imaging_model(imaging_model_xmp(R"(ImagingModel:FocalLengthX="500")")),
                       doctest::Contains("has no ImagingModel:FocalLengthY"), ContainerError);
  CHECK_THROWS_WITH_AS(
      dv::media::describe_imaging_model(imaging_model_xmp(
          R"(ImagingModel:FocalLengthX="wide" ImagingModel:FocalLengthY="500" ImagingModel:ImageWidth="640" ImagingModel:ImageHeight="480")")),
      doctest::Contains("ImagingModel:FocalLengthX is not a number: 'wide'"), ContainerError);
  CHECK_THROWS_WITH_AS(
      dv::media::describe_imaging_model(imaging_model_xmp(
          R"(ImagingModel:FocalLengthX="5" ImagingModel:FocalLengthY="5" ImagingModel:ImageWidth="64.5" ImagingModel:ImageHeight="48")")),
      doctest::Contains("ImagingModel:ImageWidth is not a pixel count"), ContainerError);
  // A camera without an imaging model, and no cameras at all: none.
  CHECK_FALSE(dv::media::describe_imaging_model(dv::media::XmpDocument::parse(
      R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
         <rdf:Description/></rdf:RDF></x:xmpmeta>)",
      "empty")));
  // A JPEG without XMP, and bytes that are no JPEG.
  CHECK_FALSE(dv::media::read_imaging_model(dv::depth::encode_jpeg(grey(8, 8))));
  CHECK_FALSE(dv::media::read_imaging_model(std::vector<uint8_t>{1, 2, 3}));
}
#endif  // DV_HAVE_CONTAINER
