// The 3D photo's parallax videos in the page (issue 19): the viewer draws each frame on the CPU
// (dv_app_parallax_frame, the same renderer as the CLI's) and this encodes them with WebCodecs
// through mediabunny (vendor/, as video.js): H.264 in MP4 where the browser encodes it, else VP9
// in WebM; parallax-webm is always VP9. The file is downloaded only when complete: Cancel (the
// viewer's button: it answers no frame) or a failure leaves nothing. Animated WebP is made by the
// viewer itself (libwebp in the wasm).
import { loadMediabunny, readbackCanvas } from './video.js';

let running = null, last = null;  // the export's record: { format, name, state, frames, total, codec, message }

class Canceled extends Error {}

// What the page is doing, for tests and tools.
export const parallaxRecord = () => running ?? last;

// The viewer's request (platform.cpp page_parallax_command).
export async function parallaxExport(format, name, width, height, fps, frames) {
  const record = { format, name, state: 'running', frames: 0, total: frames, codec: '', message: '' };
  running = record;
  const done = (cancelled, message) => {
    record.state = cancelled ? 'cancelled' : message ? 'failed' : 'done';
    record.message = message;
    last = record;
    if (running === record) running = null;
    Module.ccall('dv_app_parallax_done', null, ['number', 'string'], [cancelled ? 1 : 0, message]);
  };
  const mb = await loadMediabunny();
  if (!mb) return done(false, 'this site lacks vendor/mediabunny.min.mjs, which video export needs');
  if (typeof VideoEncoder !== 'function') return done(false, 'this browser has no WebCodecs video encoder');
  let output = null;
  const size = Module._malloc(8);
  try {
    const avc = format !== 'parallax-webm' && await mb.canEncodeVideo('avc', { width, height, frameRate: fps });
    if (!avc && !(await mb.canEncodeVideo('vp9', { width, height, frameRate: fps })))
      throw new Error(`this browser can encode neither H.264 nor VP9 at ${width}x${height}`);
    record.codec = avc ? 'avc' : 'vp9';
    if (!avc) record.name = name.replace(/\.mp4$/, '.webm');
    const target = new mb.BufferTarget();
    output = new mb.Output({ format: avc ? new mb.Mp4OutputFormat({ fastStart: 'in-memory' }) : new mb.WebMOutputFormat(), target });
    const out = readbackCanvas(width, height);
    const source = new mb.CanvasSource(out.canvas, { codec: record.codec, quality: mb.QUALITY_HIGH, keyFrameInterval: 2 });
    output.addVideoTrack(source, { frameRate: fps });
    await output.start();
    const image = new ImageData(width, height);
    for (let i = 0; i < frames; ++i) {
      const ptr = Module._dv_app_parallax_frame(i, size);
      if (!ptr) throw new Canceled();
      const [w, h] = new Int32Array(Module.HEAPU8.buffer, size, 2);
      if (w !== width || h !== height) throw new Error(`the viewer drew frame ${i} at ${w}x${h}, not ${width}x${height}`);
      image.data.set(Module.HEAPU8.subarray(ptr, ptr + w * h * 4));
      out.ctx.putImageData(image, 0, 0);
      await source.add(i / fps, 1 / fps);  // the viewer draws its UI while the encoder works
      record.frames = i + 1;
    }
    source.close();
    await output.finalize();
    globalThis.depthview.download(new Uint8Array(target.buffer), record.name);
    done(false, '');
  } catch (e) {
    await output?.cancel().catch(() => {});
    if (e instanceof Canceled) done(true, '');
    else done(false, e.message || String(e));
  } finally {
    Module._free(size);
  }
}
