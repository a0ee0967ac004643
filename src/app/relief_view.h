// The 3D view: a grid mesh displaced in the vertex shader by a float (R16F) depth texture and
// textured with the photo; triangles across depth discontinuities are left out of the index
// buffer; the same vertices drawn as points make the point cloud.
#pragma once

#include <cstddef>
#include <string>

#include "app/camera.h"
#include "app/gl.h"
#include "depth/image.h"
#include "depth/postprocess.h"

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
  bool has_content() const { return grid_columns_ > 0; }
  void draw(const OrbitCamera& camera, const ReliefSettings& settings, int fb_width, int fb_height);
  size_t triangle_count() const { return triangle_count_; }
  size_t dropped_count() const { return dropped_count_; }

 private:
  void rebuild_geometry(int mesh_side, float cut);
  void set_uniforms(const OrbitCamera& camera, const ReliefSettings& settings, float aspect);

  GLuint program_ = 0, vao_ = 0, vertex_buffer_ = 0, triangle_buffer_ = 0, line_buffer_ = 0;
  GLuint depth_texture_ = 0, photo_texture_ = 0;
  depth::DepthMap depth_;     // at texture resolution, for the discontinuity cut
  float aspect_ = 1.0f;       // photo height / width
  int grid_columns_ = 0, grid_rows_ = 0, built_side_ = 0;
  float built_cut_ = -1.0f;
  size_t triangle_count_ = 0, line_count_ = 0, dropped_count_ = 0;
};

}  // namespace dv::app
