// Scripted runs for tests and demos (`--script "open a.jpg; wait-depth; shot a.png; quit"`):
// commands separated by ';', run between frames, so a script sees what a person would.
//   open PATH          open a photo (depth starts at once)
//   drop PATH...       as files dropped on the window: a model file (.onnx) among them, else a photo
//   model ID [VARIANT] choose a model of the manifest (and its variant), or a model file
//   wait-depth         wait until no depth job runs (and a frame was drawn)
//   download           natively: start downloading the chosen model (as its Download button does)
//   wait-download [F]  natively: wait until the download is done (its outcome shown), or until it
//                      has fraction F (0..1) of the file
//   cancel-download    natively: as the download's Cancel button
//   frames N           wait N frames
//   shot PATH          screenshot (PNG) of the frame being drawn; what follows waits for the next one
//   orbit DX DY        rotate the relief as a mouse drag of DX, DY pixels would
//   zoom STEPS         zoom as STEPS wheel notches would (negative: out)
//   set KEY VALUE      view relief|points, wireframe 0|1, lit 0|1, wiggle 0|1, layered 0|1 (the 3D
//                      photo's filled background, else the cut relief), mesh N (vertices along
//                      the longer side), cut T (edge cut), scale S (depth scale), colormap NAME, int8 0|1
//   formats LIST       export formats, e.g. png16,ply,glb
//   export DIR         export the current depth in those formats into DIR
//   stats | state      print the frame-time summary | the state JSON (App::state_json)
//   video PATH         open a video file (natively; it plays at once)      camera  the webcam
//   play | pause | seek T   the video's controls (T in seconds)
//   wait-video N       wait until N frames of the video have depth (or it ended)
//   set stabilise 0|1  videos: temporally stabilised or per-frame depth
//   set size N         short side of the model input for keep-aspect models (0 = the model's)
//   set depth-view V   a photo with measured depth: model, measured, fused or error
//   set sensor-preset P how a depth file dropped with the photo reads: tum, mm, kitti, sunrgbd, nyu
//   export-video KIND  export every frame: depth, sbs (side by side) or png16 (natively)
//   wait-export        wait until the video export is done
//   export-parallax F [DIR]  the 3D photo's video: parallax-mp4, parallax-webm, parallax-webp or
//                      sbs-video (into DIR, else the export folder; the page downloads it)
//   wait-parallax [N]  wait until it is done (or N frames are)       cancel-parallax  its Cancel
//   set parallax-path P | parallax-keys K | parallax-seconds S | parallax-fps F | parallax-size N |
//       eye-distance E   the video's path (circle, swing, dolly-zoom, keyframes), keys t:x,y,z;...,
//                      length, rate, longer side; the stereo outputs' eye distance
//   sheet S            compact layouts: show the controls or depth tab, or hide the sheet
//   set touch 0|1      style and layout for a touch screen (as the page says for phones)
//   touch X Y [X2 Y2] ... | touch-end   fingers at these framebuffer points (one or two), as the
//                      page's touch events; touch-end lifts them
//   quit               close the viewer
// A command that fails is reported and the script goes on.
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
  static bool download_reached(const App& app, float fraction);
  std::vector<std::vector<std::string>> commands_;
  size_t next_ = 0;
  int wait_frames_ = 0;
};

}  // namespace dv::app
