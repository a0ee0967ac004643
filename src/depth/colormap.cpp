#include "depth/colormap.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dv::depth {
namespace {
#include "depth/colormap_tables.inc"

const uint8_t (*table(Colormap c))[3] {
  switch (c) {
    case Colormap::Inferno: return k_inferno;
    case Colormap::Turbo: return k_turbo;
    case Colormap::Viridis: return k_viridis;
    case Colormap::Magma: return k_magma;
    default: return nullptr;
  }
}
}  // namespace

const std::vector<std::string>& colormap_names() {
  static const std::vector<std::string> names = {"grey", "inferno", "turbo", "viridis", "magma"};
  return names;
}

Colormap colormap_from_name(const std::string& name) {
  const auto& names = colormap_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    throw std::invalid_argument("unknown colour map '" + name + "' (grey, inferno, turbo, viridis, magma)");
  return static_cast<Colormap>(it - names.begin());
}

std::vector<uint8_t> apply_colormap(const DepthMap& map, Colormap cmap) {
  validate(map, "colour map");
  std::vector<uint8_t> rgb(map.values.size() * 3);
  const uint8_t(*lut)[3] = table(cmap);
  for (size_t i = 0; i < map.values.size(); ++i) {
    const auto index = size_t(std::lround(quantize_unit(map.values[i], 255)));
    for (size_t c = 0; c < 3; ++c) rgb[i * 3 + c] = lut ? lut[index][c] : uint8_t(index);
  }
  return rgb;
}

}  // namespace dv::depth
