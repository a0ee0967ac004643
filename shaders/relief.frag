// Relief / point-cloud fragment shader: the photo as texture, optionally lit by a light above the
// viewer; a flat colour for the wireframe overlay.
in vec2 vUV;
in vec3 vNormal;

uniform sampler2D uPhoto;
uniform int uLit;                       // 1: diffuse + ambient lighting
uniform vec3 uLightDir;                 // towards the light, world space
uniform vec4 uFlatColor;                // alpha > 0: draw this colour instead (wireframe)

out vec4 fragColor;

void main() {
  if (uFlatColor.a > 0.0) {
    fragColor = uFlatColor;
    return;
  }
  vec3 color = texture(uPhoto, vUV).rgb;
  if (uLit == 1) color *= 0.35 + 0.65 * max(dot(normalize(vNormal), normalize(uLightDir)), 0.0);
  fragColor = vec4(color, 1.0);
}
