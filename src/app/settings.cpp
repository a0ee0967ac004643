#include "app/settings.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace dv::app {

namespace {
template <typename T>
void read(const nlohmann::json& j, const char* key, T& value) {
  if (!j.contains(key)) return;
  try {
    value = j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    // a wrong type keeps the default
  }
}
}  // namespace

std::string to_json(const ViewerSettings& s) {
  const ReliefSettings& r = s.relief;
  return nlohmann::json{{"model", s.model},
                        {"variant", s.variant},
                        {"colormap", s.colormap},
                        {"invert", s.invert},
                        {"range_low", s.range_low},
                        {"range_high", s.range_high},
                        {"edge_aware", s.edge_aware},
                        {"int8", s.int8},
                        {"stabilise", s.stabilise},
                        {"input_size", s.input_size},
                        {"video_export", s.video_export},
                        {"sensor_preset", s.sensor_preset},
                        {"mesh_side", r.mesh_side},
                        {"depth_scale", r.depth_scale},
                        {"cut", r.cut},
                        {"lit", r.lit},
                        {"wireframe", r.wireframe},
                        {"points", r.points},
                        {"wiggle", r.wiggle},
                        {"fov_degrees", r.fov_degrees},
                        {"point_size", r.point_size},
                        {"layered", r.layered},
                        {"export_formats", s.export_formats},
                        {"export_dir", s.export_dir},
                        {"parallax_format", s.parallax_format},
                        {"parallax_path", s.parallax_path},
                        {"parallax_keys", s.parallax_keys},
                        {"parallax_seconds", s.parallax_seconds},
                        {"parallax_fps", s.parallax_fps},
                        {"parallax_amplitude", s.parallax_amplitude},
                        {"parallax_long_side", s.parallax_long_side},
                        {"eye_distance", s.eye_distance}}
      .dump(1);
}

depth::DepthMap displayed_depth(const depth::DepthMap& depth, const ViewerSettings& s) {
  depth::DepthMap out = depth;
  const float span = std::max(1e-3f, s.range_high - s.range_low);
  for (float& v : out.values) {
    v = std::clamp((v - s.range_low) / span, 0.0f, 1.0f);
    if (s.invert) v = 1.0f - v;
  }
  return out;
}

ViewerSettings settings_from_json(const std::string& text) {
  ViewerSettings s;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return s;
  ReliefSettings& r = s.relief;
  read(j, "model", s.model);
  read(j, "variant", s.variant);
  read(j, "colormap", s.colormap);
  read(j, "invert", s.invert);
  read(j, "range_low", s.range_low);
  read(j, "range_high", s.range_high);
  read(j, "edge_aware", s.edge_aware);
  read(j, "int8", s.int8);
  read(j, "stabilise", s.stabilise);
  read(j, "input_size", s.input_size);
  read(j, "video_export", s.video_export);
  read(j, "sensor_preset", s.sensor_preset);
  read(j, "mesh_side", r.mesh_side);
  read(j, "depth_scale", r.depth_scale);
  read(j, "cut", r.cut);
  read(j, "lit", r.lit);
  read(j, "wireframe", r.wireframe);
  read(j, "points", r.points);
  read(j, "wiggle", r.wiggle);
  read(j, "fov_degrees", r.fov_degrees);
  read(j, "point_size", r.point_size);
  read(j, "layered", r.layered);
  read(j, "export_formats", s.export_formats);
  read(j, "export_dir", s.export_dir);
  read(j, "parallax_format", s.parallax_format);
  read(j, "parallax_path", s.parallax_path);
  read(j, "parallax_keys", s.parallax_keys);
  read(j, "parallax_seconds", s.parallax_seconds);
  read(j, "parallax_fps", s.parallax_fps);
  read(j, "parallax_amplitude", s.parallax_amplitude);
  read(j, "parallax_long_side", s.parallax_long_side);
  read(j, "eye_distance", s.eye_distance);
  return s;
}

}  // namespace dv::app
