#include "app/measured_depth.h"
#include "app/clock.h"

#include <algorithm>
#include <cmath>

#include "depth/camera_depth.h"
#include "depth/fusion.h"

namespace dv::app {

namespace {

void working_size(int width, int height, int* w, int* h) {
  const double scale = std::min(1.0, double(kMeasuredSide) / double(std::max(width, height)));
  *w = std::max(2, int(std::lround(width * scale)));
  *h = std::max(2, int(std::lround(height * scale)));
}
}  // namespace

std::optional<MeasuredDepth> read_measured_depth(const std::vector<uint8_t>& photo_bytes, const depth::Image& photo,
                                                 const std::optional<SensorInput>& sensor, const std::string& name) {
  const double t0 = now_ms();
  int w = 0, h = 0;
  working_size(photo.width, photo.height, &w, &h);
  MeasuredDepth out;
  if (sensor) {
    const depth::DepthMap map =
        depth::decode_sensor_depth(depth::decode_grey16(sensor->bytes, sensor->name), sensor->decoding, sensor->name);
    depth::check_same_aspect(map, photo.width, photo.height, sensor->name);
    out.sensor = depth::resample_nearest(map, w, h);  // holes stay holes
    out.source = "sensor: " + sensor->name + ", " + depth::describe(sensor->decoding);
    out.metric = true;
  } else {
    auto camera = depth::read_camera_depth(photo_bytes, photo.width, photo.height, name);
    if (!camera) return std::nullopt;
    out.sensor = depth::resample_depth(camera->depth, w, h);
    out.source = "camera: " + camera->source;
    out.metric = camera->metric;
  }
  out.ms = now_ms() - t0;
  return out;
}

void compare_with_model(MeasuredDepth& measured, const depth::DepthEstimate& estimate, depth::OutputKind kind) {
  const double t0 = now_ms();
  const depth::DepthMap model =
      depth::model_inverse_depth(estimate.model_output, kind, measured.sensor.width, measured.sensor.height);
  measured.views = depth::sensor_views(measured.sensor, model);
  measured.ms += now_ms() - t0;
}

}  // namespace dv::app
