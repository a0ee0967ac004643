// Frame times: intervals overall and for an idle relief; while inference runs, the time each frame
// takes to draw and present (frames are paced then, see App::frame_due).
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>

namespace dv::app {

struct FrameStats {
  struct Series {
    int frames = 0;
    double total_ms = 0, max_ms = 0;
    void add(double ms) {
      ++frames;
      total_ms += ms;
      max_ms = std::max(max_ms, ms);
    }
    double mean_ms() const { return frames ? total_ms / frames : 0.0; }
  };
  Series all, during_inference, relief;  // relief: frames drawing a relief while idle

  std::string summary() const {
    char line[320];
    std::snprintf(line, sizeof line,
                  "frames %d: mean %.1f ms, max %.1f ms | relief idle %d: mean %.1f ms, max %.1f ms | "
                  "during inference %d: mean draw %.1f ms, max %.1f ms",
                  all.frames, all.mean_ms(), all.max_ms, relief.frames, relief.mean_ms(), relief.max_ms,
                  during_inference.frames, during_inference.mean_ms(), during_inference.max_ms);
    return line;
  }
};

}  // namespace dv::app
