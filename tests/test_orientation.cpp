// EXIF orientation: a JPEG whose pixels are stored sideways with Orientation = 6 (as phones write
// it) decodes upright. The EXIF block is made with libexif and spliced into a stb-encoded JPEG
// (support/exif_jpeg.h).
#include <doctest/doctest.h>

#include <vector>

#include "depth/export.h"
#include "depth/image.h"
#include "depth/orientation.h"
#include "support/exif_jpeg.h"

namespace {

using dv::depth::Image;

// An upright 20x40 test card: red top half, blue bottom half, a green band at the left edge.
Image upright_card() {
  Image img{20, 40, std::vector<uint8_t>(20 * 40 * 3)};
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      uint8_t* p = &img.rgb[size_t(y * img.width + x) * 3];
      p[0] = y < 20 ? 230 : 20;
      p[1] = x < 4 ? 230 : 20;
      p[2] = y < 20 ? 20 : 230;
    }
  return img;
}

std::vector<uint8_t> jpeg_with_orientation(const Image& stored, int orientation) {
  return dv::test::jpeg_with_exif(stored, {{EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, double(orientation)}});
}

const uint8_t* pixel(const Image& img, int x, int y) { return &img.rgb[size_t(y * img.width + x) * 3]; }

}  // namespace

TEST_CASE("orientation: a JPEG stored sideways with EXIF orientation 6 comes out upright") {
  // The camera stored the card turned 90° counter-clockwise; orientation 6 says "turn clockwise".
  const Image stored = dv::depth::apply_orientation(upright_card(), 8);
  REQUIRE(stored.width == 40);
  REQUIRE(stored.height == 20);
  const std::vector<uint8_t> jpeg = jpeg_with_orientation(stored, 6);
  CHECK(dv::depth::exif_orientation(jpeg) == 6);
  const Image photo = dv::depth::decode_image(jpeg, "phone.jpg");
  REQUIRE(photo.width == 20);
  REQUIRE(photo.height == 40);
  CHECK(pixel(photo, 10, 5)[0] > 200);   // red on top
  CHECK(pixel(photo, 10, 35)[2] > 200);  // blue at the bottom
  CHECK(pixel(photo, 1, 10)[1] > 200);   // green band on the left
  CHECK(pixel(photo, 18, 10)[1] < 60);
}

TEST_CASE("orientation: all eight orientations undo their transform") {
  const Image card = upright_card();
  // apply_orientation(stored, o) makes the upright image; the stored image for o is the inverse
  // transform of the card, which for these eight is the same transform except 6 <-> 8.
  for (int o = 1; o <= 8; ++o) {
    const int inverse = o == 6 ? 8 : o == 8 ? 6 : o;
    const Image back = dv::depth::apply_orientation(dv::depth::apply_orientation(card, inverse), o);
    CHECK_MESSAGE(back.rgb == card.rgb, "orientation " << o);
  }
  const std::vector<uint8_t> plain = dv::depth::encode_jpeg(card);
  CHECK(dv::depth::exif_orientation(plain) == 1);  // no EXIF: upright
  CHECK(dv::depth::exif_orientation(jpeg_with_orientation(card, 0)) == 1);  // invalid value ignored
}
