// The viewer's settings, remembered between sessions (see platform.h for where).
#pragma once

#include <string>
#include <vector>

#include "app/relief_view.h"

namespace dv::app {

struct ViewerSettings {
  std::string model;                 // model id, or a model file; "" = the best installed
  std::string variant;               // of the model id; "" = the manifest's default
  std::string colormap = "grey";     // depth display
  bool invert = false;
  float range_low = 0.0f, range_high = 1.0f;  // display range of the normalised depth
  bool edge_aware = false;           // guided filter when resizing depth to the photo
  bool int8 = false;                 // the engine's int8 mode: faster, slightly less exact
  int input_size = 0;                // short side of the model input for keep-aspect models (0 = the model's)
  bool stabilise = true;             // videos: temporally stabilised depth (else per frame)
  std::string video_export = "depth";  // depth, sbs, png16 (native)
  std::string sensor_preset = "mm";  // how a depth file dropped with a photo reads (sensor_depth.h)
  ReliefSettings relief;
  std::vector<std::string> export_formats = {"png16", "glb"};
  std::string export_dir = ".";      // native exports
  // The 3D photo's video (scene/parallax.h) and stereo exports.
  std::string parallax_format = "parallax-mp4";
  std::string parallax_path = "circle";
  std::string parallax_keys = "0:-0.1,0,0;0.5:0.1,0.05,0.3;1:-0.1,0,0";
  float parallax_seconds = 4.0f, parallax_fps = 30.0f, parallax_amplitude = 0.15f;
  int parallax_long_side = 1280;
  float eye_distance = 0.025f;
};

std::string to_json(const ViewerSettings& s);

// The normalised depth as displayed and exported as a map: display range, then invert.
depth::DepthMap displayed_depth(const depth::DepthMap& depth, const ViewerSettings& s);
// Unknown, missing or malformed values keep their defaults.
ViewerSettings settings_from_json(const std::string& text);

}  // namespace dv::app
