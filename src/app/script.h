// Scripted runs for tests and demos (`--script "open a.jpg; wait-depth; shot a.png; quit"`):
// one command per step, run between frames, so a script sees what a person would.
//   open PATH | model ID | wait-depth | frames N | shot PATH | orbit DX DY | zoom STEPS
//   set KEY VALUE (view relief|points, wireframe 0|1, lit 0|1, mesh N, cut T, scale S, colormap NAME, int8 0|1)
//   formats LIST (export formats, e.g. ply,glb) | export DIR | stats | state | quit
#pragma once

#include <string>
#include <vector>

namespace dv::app {

class App;

class ScriptRunner {
 public:
  void load(const std::string& script);
  bool active() const { return next_ < commands_.size() || wait_frames_ > 0; }
  // Runs the commands due this frame; errors in a command are reported and the script goes on.
  void step(App& app);

 private:
  bool run(App& app, const std::vector<std::string>& words);  // false: wait for the next frame
  std::vector<std::vector<std::string>> commands_;
  size_t next_ = 0;
  int wait_frames_ = 0;
};

}  // namespace dv::app
