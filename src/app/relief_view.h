// The 3D view: a grid mesh displaced in the vertex shader by a float (R16F) depth texture and
// textured with the photo; triangles across depth discontinuities are left out of the index
// buffer; the same vertices drawn as points make the point cloud. With a layered depth image
// (scene/layered_depth.h: the 3D photo) the background layer is drawn as a whole sheet just
// behind the foreground, so what a turn reveals at a depth edge is the inpainted background.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/camera.h"
#include "app/gl.h"
#include "depth/image.h"
#include "depth/postprocess.h"
#include "scene/layered_depth.h"

namespace dv::app {

struct ReliefSettings {
  int mesh_side = 256;        // vertices along the longer side
  float depth_scale = 0.3f;   // relief height relative to the photo's width
  float cut = 0.08f;          // drop triangles whose depths (0..1) differ by more; 1 = keep all
  bool lit = true, wireframe = false, points = false, wiggle = false;
  float fov_degrees = 60.0f;  // point cloud: the photo's horizontal field of view
  float point_size = 2.0f;
  // Point cloud: the farthest point's distance over the nearest's. Relative depth has no scale
  // (10); a metric map gives its own, so the cloud keeps the scene's proportions.
  float far_ratio = 10.0f;
  bool layered = true;  // the 3D photo's two layers where there are some; false: the cut relief
};

class ReliefView {
 public:
  ReliefView() = default;
  ~ReliefView();
  ReliefView(const ReliefView&) = delete;
  ReliefView& operator=(const ReliefView&) = delete;

  // Compiles the shaders; false with the compiler's log in *error.
  bool init(std::string* error);
  // New photo + depth (same size; both are reduced to at most 2048 pixels per side for the GPU).
  void set_content(const depth::Image& photo, const depth::DepthMap& depth);
  // The layers of that content (null: none); any resolution of the photo's aspect.
  void set_layers(std::shared_ptr<const scene::LayeredDepth> layers);
  bool showing_layers(const ReliefSettings& settings) const;
  bool has_content() const { return grid_columns_ > 0; }
  // Into the framebuffer rectangle x, y (from the bottom left), width x height.
  void draw(const OrbitCamera& camera, const ReliefSettings& settings, int x, int y, int width, int height);
  size_t triangle_count() const { return triangle_count_; }
  size_t dropped_count() const { return dropped_count_; }

 private:
  void rebuild_geometry(int mesh_side, float cut, bool layered);
  void set_uniforms(const OrbitCamera& camera, const ReliefSettings& settings, float aspect);
  void upload_grid(const std::vector<std::array<float, 2>>& uvs, const std::vector<std::array<uint32_t, 3>>& triangles);
  void bind_layer(bool background, float z_bias);

  GLuint program_ = 0, vao_ = 0, vertex_buffer_ = 0, triangle_buffer_ = 0, line_buffer_ = 0;
  GLuint depth_texture_ = 0, photo_texture_ = 0;
  GLuint background_depth_texture_ = 0, background_photo_texture_ = 0, background_buffer_ = 0;
  std::shared_ptr<const scene::LayeredDepth> layers_;
  size_t background_count_ = 0;
  bool built_layered_ = false;
  depth::DepthMap depth_;     // at texture resolution, for the discontinuity cut
  float aspect_ = 1.0f;       // photo height / width
  int grid_columns_ = 0, grid_rows_ = 0, built_side_ = 0;
  float built_cut_ = -1.0f;
  size_t triangle_count_ = 0, line_count_ = 0, dropped_count_ = 0;
};

}  // namespace dv::app
