// Touch on the canvas: every change of the fingers goes to the viewer (src/app/touch_gestures.h:
// one finger orbits the 3D view, two pinch to zoom and pan, a double tap resets). The GLFW port
// also turns the first finger into the mouse, which the panels use; the viewer keeps the two apart.
export function wireTouch(canvas) {
  const send = (e) => {
    const r = canvas.getBoundingClientRect();
    const sx = canvas.width / r.width, sy = canvas.height / r.height;
    const at = (t) => (t ? [t.identifier, (t.clientX - r.left) * sx, (t.clientY - r.top) * sy] : [0, 0, 0]);
    Module._dv_app_touch(e.timeStamp, e.touches.length, ...at(e.touches[0]), ...at(e.touches[1]));
  };
  for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel'])
    canvas.addEventListener(type, send, { passive: true });
}

// What the page tells the viewer about the device: its memory in GB (navigator.deviceMemory,
// Chromium only; 0 = unknown) and whether its main pointer is a finger.
export function deviceInfo() {
  const touch = matchMedia('(pointer: coarse)').matches;
  return { memoryGb: Number(navigator.deviceMemory) || 0, touch };
}
