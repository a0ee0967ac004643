// Accuracy against ground truth, by the protocol of the evaluation set (../shared/eval/README.md):
// the model output resized (bilinear) to the ground truth, taken as inverse depth, scale and shift
// fitted by least squares on valid pixels, clipped to [1/max(gt), 1/min(gt)], inverted back; then
// AbsRel and δ1 per image, averaged over images.
#pragma once

#include <string>
#include <vector>

#include "depth/metrics.h"
#include "depth/postprocess.h"
#include "depth/sensor_depth.h"

namespace dv::depth {

struct EvalEntry {
  std::string id, rgb_path, depth_path;  // paths resolved against the manifest's folder
  SensorDecoding decoding;                // PNG/PGM samples → metres
  bool npy_metres = false;                // "decode": "npy_m"
};

// Each entry's depth is "decode": "npy_m" (a .npy in metres), "scale": S (16-bit value * S = metres)
// or "decoding": a sensor_depth.h preset (tum, mm, kitti, sunrgbd, nyu), exactly one of them.
// Throws std::runtime_error naming the file when the manifest is unreadable or malformed.
std::vector<EvalEntry> read_eval_manifest(const std::string& path);

// Ground truth in metres (0 = no measurement): 16-bit PNG/PGM (sensor_depth.h), .npy via xtensor.
DepthMap load_ground_truth(const EvalEntry& entry);

// model_output: the raw output at the model's resolution; kind: what it means.
EvalMetrics evaluate_depth(const DepthMap& model_output, OutputKind kind, const DepthMap& ground_truth);

}  // namespace dv::depth
