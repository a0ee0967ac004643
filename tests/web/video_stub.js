// Stand-ins for the viewer's video entry points (src/app), injected into the page by
// tests/web/video_e2e.mjs to test the page's half (web/video.js) before or without the C++:
//   __dvVideoStub.install()   replaces Module._dv_app_video_* with JS that behaves as the contract
//                             says (keeps the latest frame, drops frames while "inference" runs,
//                             answers each export frame with a depth picture) and adds the
//                             `video` object to depthview.state().
//   __dvFakeModule()          a whole stand-in Module (no WebAssembly: heap, ccall, state, photo
//                             "depth"), for a machine without the wasm builds (--fake-wasm).
(() => {
  const INFERENCE_MS = 40;  // the stand-in model's time per frame

  // Frames' mean grey, to see that real pictures arrive (not black frames).
  const meanGrey = (heap, ptr, n) => {
    let sum = 0, count = 0;
    for (let i = 0; i < n; i += 4 * 97) { sum += heap[ptr + i] + heap[ptr + i + 1] + heap[ptr + i + 2]; count += 3; }
    return count ? sum / count : 0;
  };

  function install() {
    const M = globalThis.Module;
    if (M._dv_app_video_open && !M._dvVideoStub) return false;  // the real entry points are there
    const v = { mode: '', frames_in: 0, frames_depth: 0, dropped: 0, depth_fps: 0, stabilised: false, playing: false,
                time_s: 0, error: '', name: '', width: 0, height: 0, fps: 0, duration_s: 0, frame_count: 0,
                last_index: -1, last_mean: 0, bad_frames: 0, states: 0, export_frames: 0, export_done: null };
    let busy = false, depthTimes = [];
    const str = (p) => (typeof p === 'string' ? p : M.UTF8ToString(p));
    M._dvVideoStub = v;
    M._dv_app_video_open = (name, width, height, fps, duration, count, isCamera) => {
      Object.assign(v, { mode: isCamera ? 'camera' : 'file', name: str(name), width, height, fps, duration_s: duration,
                         frame_count: count, frames_in: 0, frames_depth: 0, dropped: 0, depth_fps: 0, error: '', last_index: -1 });
      depthTimes = [];
    };
    M._dv_app_video_frame = (ptr, width, height, time, index) => {
      v.frames_in++;
      if (width !== v.width || height !== v.height || !ptr) v.bad_frames++;
      v.last_mean = meanGrey(M.HEAPU8, ptr, width * height * 4);
      v.last_index = index;
      v.time_s = time;
      if (busy) { v.dropped++; return; }  // keeps only the latest: the stand-in drops it
      busy = true;
      setTimeout(() => {
        busy = false;
        v.frames_depth++;
        const now = performance.now();
        depthTimes = [...depthTimes.filter((t) => now - t < 2000), now];
        v.depth_fps = depthTimes.length > 1 ? (1000 * (depthTimes.length - 1)) / (now - depthTimes[0]) : 0;
      }, INFERENCE_MS);
    };
    M._dv_app_video_state = (playing, time) => { v.playing = !!playing; v.time_s = time; v.states++; };
    M._dv_app_video_end = (message) => { v.error = str(message); v.playing = false; if (v.error) v.mode = ''; };
    M._dv_app_video_export_frame = (ptr, width, height, index) => {
      // The depth picture: the frame's inverted grey (a stand-in), answered later as the worker would.
      const n = width * height * 4, src = M.HEAPU8.slice(ptr, ptr + n);
      setTimeout(() => {
        const out = M._malloc(n), heap = M.HEAPU8;
        for (let i = 0; i < n; i += 4) {
          const g = 255 - ((src[i] + src[i + 1] + src[i + 2]) / 3) | 0;
          heap[out + i] = g; heap[out + i + 1] = g; heap[out + i + 2] = g; heap[out + i + 3] = 255;
        }
        v.export_frames++;
        globalThis.depthview.onExportFrame(index, out, width, height);
        M._free(out);
      }, 5);
    };
    M._dv_app_video_export_done = (cancelled, message) => { v.export_done = { cancelled: !!cancelled, message: str(message) }; };
    const state = globalThis.depthview.state.bind(globalThis.depthview);
    globalThis.depthview.state = () => ({ ...state(), video: { ...v } });
    return true;
  }

  // A Module without WebAssembly: enough for app.js (models, photos) and web/video.js.
  function fakeModule() {
    const M = globalThis.Module;
    let heap = new Uint8Array(64 << 20), top = 16;
    const sizes = new Map();
    const s = { frames: 0, busy: false, model_loaded: false, has_depth: false, depth_frames: 0, error: '', status: '',
                photo: { name: '', width: 0, height: 0 }, int8: false, model: '', frame_stats: '', max_frame_draw_ms_during_inference: 0 };
    Object.assign(M, {
      get HEAPU8() { return heap; },
      _malloc(n) {
        if (top + n > heap.length) { const bigger = new Uint8Array(Math.max(heap.length * 2, top + n + (1 << 20))); bigger.set(heap); heap = bigger; }
        const p = top; top += (n + 15) & ~15; sizes.set(p, n); return p;
      },
      _free(p) { sizes.delete(p); if (sizes.size === 0) top = 16; },
      UTF8ToString(p) { let e = p; while (heap[e]) e++; return new TextDecoder().decode(heap.slice(p, e)); },
      ccall(name, ret, types, args) {
        const ptrs = [];
        const converted = args.map((a, i) => {
          if (types[i] !== 'string') return a;
          const b = new TextEncoder().encode(a), p = M._malloc(b.length + 1);
          heap.set(b, p); heap[p + b.length] = 0; ptrs.push(p); return p;
        });
        try { return M[`_${name}`](...converted); } finally { ptrs.forEach((p) => M._free(p)); }
      },
      FS: { mkdirTree() {}, writeFile() {} },
      _dv_app_models_changed() { s.model_loaded = true; },
      _dv_app_set_model() {},
      _dv_app_run_script() {},
      _dv_app_open_bytes(ptr, size, name) {
        s.photo = { name: M.UTF8ToString(name), width: 0, height: 0 };
        s.has_depth = size > 0; s.depth_frames = 2; s.error = '';
      },
      _dv_app_state() {
        const b = new TextEncoder().encode(JSON.stringify({ ...s, frames: ++s.frames }));
        const p = M._malloc(b.length + 1); heap.set(b, p); heap[p + b.length] = 0;
        setTimeout(() => M._free(p), 0);
        return p;
      },
    });
    install();
    const tick = () => { globalThis.depthview.onFrame(); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    setTimeout(() => M.onRuntimeInitialized(), 0);
  }

  globalThis.__dvVideoStub = { install };
  globalThis.__dvFakeModule = fakeModule;
})();
