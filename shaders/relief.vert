// Relief / point-cloud vertex shader. One vertex per grid sample: the position comes from the float
// depth texture (R16F: 8-bit depth terraces the shaded relief). The version line and precision are
// prepended by the app (GLSL 330 core natively, GLSL ES 300 in WebGL2).
layout(location = 0) in vec2 aUV;      // (0, 0) = photo's top-left

uniform sampler2D uDepth;               // normalised, 1 = near
uniform mat4 uViewProj;
uniform float uAspect;                  // photo height / width
uniform float uDepthScale;              // relief height relative to the photo's width
uniform int uMode;                      // 0 relief, 1 point cloud
uniform float uTanHalfFov;              // point cloud: tan(horizontal FOV / 2)
uniform float uNear;                    // point cloud: inverse depth of the farthest point (1 / far ratio)
uniform float uPointSize;
uniform vec2 uTexel;                    // 1 / depth texture size
uniform float uZBias;                   // pushes a layer back (the 3D photo's background sheet)

out vec2 vUV;
out vec3 vNormal;

float depthAt(vec2 uv) { return textureLod(uDepth, uv, 0.0).r; }

vec3 reliefPosition(vec2 uv) {
  return vec3(uv.x - 0.5, (0.5 - uv.y) * uAspect, depthAt(uv) * uDepthScale - uZBias);
}

// Pinhole camera looking down -z; the cloud is centred on the origin (where the orbit camera looks)
// and scaled so its depth range spans about 1.5 photo widths.
vec3 cloudPosition(vec2 uv) {
  float far = 1.0 / uNear;
  float distance = 1.0 / (uNear + depthAt(uv) * (1.0 - uNear));
  vec2 ray = vec2((uv.x - 0.5) * 2.0 * uTanHalfFov, (0.5 - uv.y) * 2.0 * uTanHalfFov * uAspect);
  return vec3(ray * distance, 0.5 * (1.0 + far) - distance) * (1.5 / far) - vec3(0.0, 0.0, uZBias);
}

void main() {
  vUV = aUV;
  vec3 p;
  if (uMode == 1) {
    p = cloudPosition(aUV);
    vNormal = vec3(0.0, 0.0, 1.0);
  } else {
    p = reliefPosition(aUV);
    vec3 dx = reliefPosition(aUV + vec2(uTexel.x, 0.0)) - reliefPosition(aUV - vec2(uTexel.x, 0.0));
    vec3 dy = reliefPosition(aUV - vec2(0.0, uTexel.y)) - reliefPosition(aUV + vec2(0.0, uTexel.y));
    vNormal = normalize(cross(dx, dy));
  }
  gl_Position = uViewProj * vec4(p, 1.0);
  gl_PointSize = uPointSize;
}
