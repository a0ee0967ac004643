// Colour maps: grey is the identity, the matplotlib maps run dark (far) to bright (near).
#include <doctest/doctest.h>

#include <stdexcept>

#include "depth/colormap.h"

using dv::depth::Colormap;

namespace {
int brightness(const std::vector<uint8_t>& rgb, size_t i) { return rgb[i * 3] + rgb[i * 3 + 1] + rgb[i * 3 + 2]; }
}  // namespace

TEST_CASE("colormap: grey maps [0, 1] to 0..255 on all channels") {
  const dv::depth::DepthMap map{3, 1, {0.0f, 0.5f, 1.0f}};
  const auto rgb = dv::depth::apply_colormap(map, Colormap::Grey);
  CHECK(rgb == std::vector<uint8_t>{0, 0, 0, 128, 128, 128, 255, 255, 255});
}

TEST_CASE("colormap: inferno, viridis and magma get brighter towards near; turbo is green in the middle") {
  const dv::depth::DepthMap map{3, 1, {0.0f, 0.5f, 1.0f}};
  for (const char* name : {"inferno", "viridis", "magma"}) {
    CAPTURE(name);
    const auto rgb = dv::depth::apply_colormap(map, dv::depth::colormap_from_name(name));
    CHECK(brightness(rgb, 0) < brightness(rgb, 1));
    CHECK(brightness(rgb, 1) < brightness(rgb, 2));
  }
  const auto turbo = dv::depth::apply_colormap(map, Colormap::Turbo);
  CHECK(turbo[4] > turbo[3]);  // green dominates red at 0.5
  CHECK(turbo[4] > turbo[5]);  // and blue
}

TEST_CASE("colormap: unknown names are refused with the list") {
  CHECK_THROWS_WITH_AS(dv::depth::colormap_from_name("jet"), doctest::Contains("grey, inferno, turbo, viridis, magma"),
                       std::invalid_argument);
  CHECK(dv::depth::colormap_names().size() == 5);
}
