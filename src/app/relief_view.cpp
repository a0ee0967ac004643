#include "app/relief_view.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <glm/gtc/type_ptr.hpp>

#include "depth/mesh.h"
#include "scene/layered_mesh.h"

namespace dv::app {

namespace {

#include "relief.frag.inc"
#include "relief.vert.inc"

constexpr int kMaxTextureSide = 2048;
// How far the background sheet lies behind the foreground where they coincide (photo widths):
// enough to win the depth test, too little to see.
constexpr float kBackgroundBias = 2e-3f;

GLuint compile(GLenum type, const char* body, std::string* error) {
  const GLuint shader = glCreateShader(type);
  const char* sources[] = {DV_GLSL_HEADER, body};
  glShaderSource(shader, 2, sources, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = "";
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    *error = std::string(type == GL_VERTEX_SHADER ? "vertex" : "fragment") + " shader: " + log;
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

GLuint make_texture(GLint internal_format, int w, int h, GLenum format, GLenum type, const void* data) {
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, internal_format, w, h, 0, format, type, data);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return tex;
}

// The photo as RGBA8, reduced to at most kMaxTextureSide per side (nearest: it is only a texture).
std::vector<uint8_t> photo_rgba(const depth::Image& photo, int w, int h) {
  std::vector<uint8_t> rgba(size_t(w) * size_t(h) * 4, 255);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t sx = size_t(x) * size_t(photo.width) / size_t(w), sy = size_t(y) * size_t(photo.height) / size_t(h);
      std::copy_n(&photo.rgb[(sy * size_t(photo.width) + sx) * 3], 3, &rgba[(size_t(y) * size_t(w) + size_t(x)) * 4]);
    }
  return rgba;
}

}  // namespace

ReliefView::~ReliefView() {
  const GLuint textures[] = {depth_texture_, photo_texture_, background_depth_texture_, background_photo_texture_};
  glDeleteTextures(4, textures);
  const GLuint buffers[] = {vertex_buffer_, triangle_buffer_, line_buffer_, background_buffer_};
  glDeleteBuffers(4, buffers);
  glDeleteVertexArrays(1, &vao_);
  glDeleteProgram(program_);
}

bool ReliefView::init(std::string* error) {
  const GLuint vs = compile(GL_VERTEX_SHADER, kReliefVert, error);
  const GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, kReliefFrag, error) : 0;
  if (!fs) return false;
  program_ = glCreateProgram();
  glAttachShader(program_, vs);
  glAttachShader(program_, fs);
  glLinkProgram(program_);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(program_, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048] = "";
    glGetProgramInfoLog(program_, sizeof log, nullptr, log);
    *error = std::string("shader link: ") + log;
    return false;
  }
  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &vertex_buffer_);
  glGenBuffers(1, &triangle_buffer_);
  glGenBuffers(1, &line_buffer_);
  glGenBuffers(1, &background_buffer_);
  return true;
}

void ReliefView::set_content(const depth::Image& photo, const depth::DepthMap& depth) {
  const double scale = std::min(1.0, double(kMaxTextureSide) / std::max(depth.width, depth.height));
  const int w = std::max(2, int(depth.width * scale)), h = std::max(2, int(depth.height * scale));
  depth_ = (w == depth.width && h == depth.height) ? depth : depth::resize(depth, w, h);
  aspect_ = float(depth.height) / float(depth.width);
  glDeleteTextures(1, &depth_texture_);
  glDeleteTextures(1, &photo_texture_);
  // R16F from float data: filterable in GL 3.3 and WebGL2 alike, and no 8-bit terracing.
  depth_texture_ = make_texture(GL_R16F, w, h, GL_RED, GL_FLOAT, depth_.values.data());
  const int pw = std::min(photo.width, kMaxTextureSide), ph = std::min(photo.height, kMaxTextureSide);
  const std::vector<uint8_t> rgba = photo_rgba(photo, pw, ph);
  photo_texture_ = make_texture(GL_RGBA8, pw, ph, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  built_side_ = 0;  // geometry follows on the next draw
  grid_columns_ = 1;
  set_layers(nullptr);
}

void ReliefView::set_layers(std::shared_ptr<const scene::LayeredDepth> layers) {
  glDeleteTextures(1, &background_depth_texture_);
  glDeleteTextures(1, &background_photo_texture_);
  background_depth_texture_ = background_photo_texture_ = 0;
  layers_ = layers && layers->layer_count() == 2 ? std::move(layers) : nullptr;
  built_side_ = 0;
  if (!layers_) return;
  const scene::Layer& b = layers_->background;
  background_depth_texture_ = make_texture(GL_R16F, b.depth.width, b.depth.height, GL_RED, GL_FLOAT, b.depth.values.data());
  const std::vector<uint8_t> rgba = photo_rgba(b.color, b.color.width, b.color.height);
  background_photo_texture_ = make_texture(GL_RGBA8, b.color.width, b.color.height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
}

bool ReliefView::showing_layers(const ReliefSettings& s) const { return s.layered && layers_ != nullptr; }

void ReliefView::rebuild_geometry(int mesh_side, float cut, bool layered) {
  built_side_ = mesh_side;
  built_cut_ = cut;
  built_layered_ = layered;
  background_count_ = 0;
  if (layered && layers_) {
    // The layers' own grid and cut (scene/layered_mesh.h); the textures are sampled by uv.
    const scene::LayeredGrid grid = scene::layered_grid(*layers_, mesh_side);
    const int w = layers_->foreground.depth.width, h = layers_->foreground.depth.height;
    std::vector<std::array<float, 2>> uvs;
    for (int j = 0; j < grid.rows; ++j)
      for (int i = 0; i < grid.columns; ++i)
        uvs.push_back({(float(grid.pixel_x[size_t(i)]) + 0.5f) / float(w), (float(grid.pixel_y[size_t(j)]) + 0.5f) / float(h)});
    grid_columns_ = grid.columns;
    grid_rows_ = grid.rows;
    upload_grid(uvs, grid.foreground);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, background_buffer_);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(grid.background.size() * sizeof grid.background[0]),
                 grid.background.data(), GL_STATIC_DRAW);
    background_count_ = grid.background.size();
    dropped_count_ = grid.background.size() - grid.foreground.size();
    return;
  }
  const depth::GridSampling grid(depth_.width, depth_.height, mesh_side);
  std::vector<std::array<float, 2>> uvs;
  uvs.reserve(size_t(grid.columns) * size_t(grid.rows));
  for (int j = 0; j < grid.rows; ++j)
    for (int i = 0; i < grid.columns; ++i)  // texel centres
      uvs.push_back({(float(grid.pixel_x(i)) + 0.5f) / float(depth_.width),
                     (float(grid.pixel_y(j)) + 0.5f) / float(depth_.height)});
  const depth::GridTriangles kept =
      depth::grid_triangles(depth::sample_grid(depth_, grid), grid.columns, grid.rows, cut);
  grid_columns_ = grid.columns;
  grid_rows_ = grid.rows;
  upload_grid(uvs, kept.triangles);
  dropped_count_ = kept.dropped;
}

void ReliefView::upload_grid(const std::vector<std::array<float, 2>>& uvs,
                             const std::vector<std::array<uint32_t, 3>>& triangles) {
  std::vector<uint32_t> lines;  // wireframe: WebGL2 has no glPolygonMode
  lines.reserve(triangles.size() * 6);
  for (const auto& t : triangles) lines.insert(lines.end(), {t[0], t[1], t[1], t[2], t[2], t[0]});
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vertex_buffer_);
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(uvs.size() * sizeof uvs[0]), uvs.data(), GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof uvs[0], nullptr);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, triangle_buffer_);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(triangles.size() * sizeof triangles[0]), triangles.data(),
               GL_STATIC_DRAW);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, line_buffer_);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(lines.size() * sizeof lines[0]), lines.data(), GL_STATIC_DRAW);
  glBindVertexArray(0);
  triangle_count_ = triangles.size();
  line_count_ = lines.size();
}

void ReliefView::set_uniforms(const OrbitCamera& camera, const ReliefSettings& s, float aspect) {
  glUseProgram(program_);
  glUniformMatrix4fv(glGetUniformLocation(program_, "uViewProj"), 1, GL_FALSE,
                     glm::value_ptr(camera.view_projection(aspect)));
  glUniform1f(glGetUniformLocation(program_, "uAspect"), aspect_);
  glUniform1f(glGetUniformLocation(program_, "uDepthScale"), s.depth_scale);
  glUniform1i(glGetUniformLocation(program_, "uMode"), s.points ? 1 : 0);
  glUniform1f(glGetUniformLocation(program_, "uTanHalfFov"), std::tan(glm::radians(s.fov_degrees) / 2.0f));
  glUniform1f(glGetUniformLocation(program_, "uNear"), 1.0f / std::max(1.01f, s.far_ratio));
  glUniform1f(glGetUniformLocation(program_, "uPointSize"), s.point_size);
  glUniform2f(glGetUniformLocation(program_, "uTexel"), 1.0f / float(depth_.width), 1.0f / float(depth_.height));
  glUniform1i(glGetUniformLocation(program_, "uLit"), s.lit && !s.points ? 1 : 0);
  glUniform3f(glGetUniformLocation(program_, "uLightDir"), 0.3f, 0.6f, 1.0f);
  glUniform4f(glGetUniformLocation(program_, "uFlatColor"), 0.0f, 0.0f, 0.0f, 0.0f);
  glUniform1i(glGetUniformLocation(program_, "uDepth"), 0);
  glUniform1i(glGetUniformLocation(program_, "uPhoto"), 1);
  bind_layer(false, 0.0f);
}

void ReliefView::bind_layer(bool background, float z_bias) {
  glUniform1f(glGetUniformLocation(program_, "uZBias"), z_bias);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, background ? background_depth_texture_ : depth_texture_);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, background ? background_photo_texture_ : photo_texture_);
}

void ReliefView::draw(const OrbitCamera& camera, const ReliefSettings& s, int x, int y, int width, int height) {
  if (!has_content() || width <= 0 || height <= 0) return;
  const bool layered = showing_layers(s);
  if (built_side_ != s.mesh_side || built_cut_ != s.cut || built_layered_ != layered)
    rebuild_geometry(s.mesh_side, s.cut, layered);
  glViewport(x, y, width, height);
  glEnable(GL_DEPTH_TEST);
#ifndef __EMSCRIPTEN__
  glEnable(GL_PROGRAM_POINT_SIZE);  // always on in WebGL2
#endif
  set_uniforms(camera, s, float(width) / float(height));
  glBindVertexArray(vao_);
  if (layered) {  // the background first, just behind; then the foreground as always
    bind_layer(true, kBackgroundBias);
    if (s.points) {
      glDrawArrays(GL_POINTS, 0, GLsizei(grid_columns_ * grid_rows_));
    } else {
      glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, background_buffer_);
      glDrawElements(GL_TRIANGLES, GLsizei(background_count_ * 3), GL_UNSIGNED_INT, nullptr);
    }
    bind_layer(false, 0.0f);
  }
  if (s.points) {
    glDrawArrays(GL_POINTS, 0, GLsizei(grid_columns_ * grid_rows_));
  } else {
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, triangle_buffer_);
    glDrawElements(GL_TRIANGLES, GLsizei(triangle_count_ * 3), GL_UNSIGNED_INT, nullptr);
    if (s.wireframe) {
      glUniform4f(glGetUniformLocation(program_, "uFlatColor"), 0.1f, 0.9f, 0.4f, 1.0f);
      glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, line_buffer_);
      glDrawElements(GL_LINES, GLsizei(line_count_), GL_UNSIGNED_INT, nullptr);
    }
  }
  glBindVertexArray(0);
  glDisable(GL_DEPTH_TEST);
}

}  // namespace dv::app
