// Video files and the webcam (issue 17): the page plays a video (or the camera) in a hidden <video>
// and hands every presented frame to the viewer as RGBA (dv_app_video_frame; the viewer keeps the
// latest and drops frames while the model is busy, so nothing is queued here). Export of a file's
// depth as a video decodes every frame with WebCodecs through mediabunny (vendor/, MPL-2.0), asks
// the viewer for each frame's depth picture (dv_app_video_export_frame -> depthview.onExportFrame)
// and encodes the pictures (H.264 in MP4, else VP9 in WebM) at the input's frame rate.
// Frames stay on this device like photos.

const MAX_SIDE = 1280;  // long side of the frames handed over (bounds the per-frame copy)
// Video containers, and audio files (so that one says it has no picture, not that it is no photo).
const EXTENSIONS = /\.(mp4|m4v|webm|mov|mkv|ogv|m4a|mp3|aac|oga|ogg|opus|wav|flac)$/i;
const CODEC_NAMES = { avc: 'H.264', hevc: 'H.265 (HEVC)', vp8: 'VP8', vp9: 'VP9', av1: 'AV1', prores: 'Apple ProRes',
  mp4v: 'MPEG-4 Part 2', s263: 'H.263', mjpa: 'Motion JPEG', mjpg: 'Motion JPEG', jpeg: 'Motion JPEG' };

let hooks = { status: () => {} };  // set by initVideo (app.js): status(text) shows one line
let player = null;                  // the file or camera playing now
let exporter = null;                // the export running now
let mediabunny;                     // the module, null when vendor/ lacks it, undefined before trying

export const isVideoFile = (file) => !!file && (/^(video|audio)\//.test(file.type) || EXTENSIONS.test(file.name));
const stem = (name) => name.replace(/\.[^.]*$/, '');

export function initVideo(options) {
  hooks = { ...hooks, ...options };
  // For tests and tools: what the page is doing (read-only use).
  globalThis.depthview.media = { get player() { return player; }, get export() { return exporter?.record ?? lastExport; } };
}

// The viewer's entry points; a build without them cannot show videos (one message, no exception).
const hasVideoApi = () => typeof globalThis.Module?._dv_app_video_open === 'function';
const call = (name, types, args) => Module.ccall(name, null, types, args);

export async function loadMediabunny() {
  if (mediabunny === undefined) {
    try { mediabunny = await import('./vendor/mediabunny.min.mjs'); } catch (e) {
      console.warn(`mediabunny not available (${e.message}): no codec probing, no video export`);
      mediabunny = null;
    }
  }
  return mediabunny;
}

// RFC 6381 string of an MPEG-4 Part 2 track (mp4v.20.P: object type 0x20, P the VOS profile and
// level), read from the file's esds box; mediabunny names no codec for such tracks.
async function mp4vCodecString(file) {
  const scan = async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer());
  const span = 4 << 20;
  for (const [start, end] of [[Math.max(0, file.size - span), file.size], [0, Math.min(file.size, span)]]) {
    const b = await scan(start, end);
    for (let i = 0; i + 4 < b.length; i++) {
      if (b[i] !== 0x65 || b[i + 1] !== 0x73 || b[i + 2] !== 0x64 || b[i + 3] !== 0x73) continue;  // 'esds'
      let oti = null, level = null;
      for (let j = i + 4; j + 5 < Math.min(b.length, i + 200); j++) {
        if (oti === null && b[j] === 0x04 && b[j + 1] !== 0) {  // DecoderConfigDescriptor: skip the size bytes
          let k = j + 1;
          while (b[k] & 0x80) k++;
          oti = b[k + 1];
        }
        if (b[j] === 0 && b[j + 1] === 0 && b[j + 2] === 1 && b[j + 3] === 0xb0) { level = b[j + 4]; break; }
      }
      if (oti !== null) return `mp4v.${oti.toString(16)}${level !== null ? `.${level}` : ''}`;
    }
  }
  return 'mp4v';
}

// An ISO BMFF file (mp4, mov, m4a) whose top-level boxes run past its end is truncated: returns
// the message, or '' (also for other containers).
async function truncatedBoxes(file) {
  const head = new DataView(await file.slice(0, 12).arrayBuffer());
  if (head.byteLength < 8 || head.getUint32(4) !== 0x66747970) return '';  // 'ftyp'
  for (let at = 0, boxes = 0; at < file.size && boxes < 10000; boxes++) {
    if (file.size - at < 8) return `the file is truncated (${file.size - at} stray bytes at its end)`;
    const b = new DataView(await file.slice(at, at + 16).arrayBuffer());
    let size = b.getUint32(0);
    const type = String.fromCharCode(b.getUint8(4), b.getUint8(5), b.getUint8(6), b.getUint8(7));
    if (size === 1 && b.byteLength >= 16) size = Number(b.getBigUint64(8));
    else if (size === 0) size = file.size - at;  // to the end of the file
    if (size < 8) return `the file is damaged (box '${type}' at byte ${at} has size ${size})`;
    if (at + size > file.size)
      return `the file is truncated (its '${type}' box needs ${at + size} bytes, the file has ${file.size})`;
    at += size;
  }
  return '';
}

// What the container says about the file's video: { width, height, fps, duration, frames, codec,
// codecString, canDecode } or { error } (one message); null without mediabunny.
async function probe(file) {
  const truncated = await truncatedBoxes(file).catch(() => '');
  if (truncated) return { error: truncated };
  const mb = await loadMediabunny();
  if (!mb) return null;
  const input = new mb.Input({ source: new mb.BlobSource(file), formats: mb.ALL_FORMATS });
  try {
    if (!(await input.canRead())) return { error: 'not a video file this page can read (unknown container)' };
    const video = await input.getPrimaryVideoTrack();
    if (!video) {
      const audio = await input.getPrimaryAudioTrack();
      return { error: audio ? 'the file has only audio, no video track' : 'the file has no video frames (no video track)' };
    }
    const internal = String(await video.getInternalCodecId() ?? '');
    const codec = video.codec ?? internal;
    const codecString = (await video.getCodecParameterString()) ?? (internal === 'mp4v' ? await mp4vCodecString(file) : internal);
    const stats = await video.computePacketStats();
    if (stats.packetCount === 0) return { error: 'the video track has no frames' };
    const duration = await video.computeDuration() - await video.getFirstTimestamp();
    const fps = snapRate(stats.averagePacketRate || stats.packetCount / Math.max(duration, 1e-6));
    return { width: video.displayWidth, height: video.displayHeight, fps, duration,
             frames: stats.packetCount, codec, codecString, canDecode: await video.canDecode() };
  } catch (e) {
    return { error: `cannot read the file: it is damaged or truncated (${e.message})` };
  } finally {
    input.dispose?.();
  }
}

// The container's average packet rate, snapped to the usual rates (24, 30000/1001, ...) when close,
// so that frame i's timestamp i/fps is the input's.
function snapRate(rate) {
  for (const base of [24, 25, 30, 48, 50, 60, 100, 120]) {
    if (Math.abs(rate - base) < 0.005) return base;
    if (Math.abs(rate - (base * 1000) / 1001) < 0.005) return (base * 1000) / 1001;
  }
  return rate;
}

const codecMessage = (info) => `this browser cannot play its video codec (${CODEC_NAMES[info.codec] ?? info.codec ?? 'unknown'}` +
  `${info.codecString && info.codecString !== info.codec ? `, ${info.codecString}` : ''}); convert it to H.264 or VP9`;

// The size frames are handed over at: the video's, the long side capped at MAX_SIDE.
function frameSize(width, height) {
  const s = Math.min(1, MAX_SIDE / Math.max(width, height));
  return [Math.max(2, Math.round(width * s)), Math.max(2, Math.round(height * s))];
}

// A canvas to read frames back from (2D, read often), made once per size.
export function readbackCanvas(width, height) {
  const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height)
    : Object.assign(document.createElement('canvas'), { width, height });
  return { canvas, ctx: canvas.getContext('2d', { willReadFrequently: true }) };
}

// Copies RGBA bytes into the module's heap for one call, then frees them.
function withHeap(bytes, fn) {
  const ptr = Module._malloc(bytes.length);
  if (!ptr) throw new Error('out of memory for a video frame');
  try {
    Module.HEAPU8.set(bytes, ptr);
    return fn(ptr);
  } finally {
    Module._free(ptr);
  }
}

// One video (file or camera) playing in a hidden <video>; each presented frame goes to the viewer.
class Player {
  constructor({ name, isCamera, stream = null, file = null, info = null }) {
    Object.assign(this, { name, isCamera, stream, file, info, framesSent: 0, copyMs: 0, closed: false, opened: false });
    this.video = Object.assign(document.createElement('video'), { muted: true, playsInline: true, autoplay: false, loop: false, preload: 'auto' });
    this.video.setAttribute('playsinline', '');
    this.video.style.cssText = 'position:fixed;width:1px;height:1px;opacity:0;pointer-events:none;left:0;top:0';
    document.body.appendChild(this.video);
    if (stream) this.video.srcObject = stream;
    else this.url = this.video.src = URL.createObjectURL(file);
  }

  // Resolves once the first frame can be shown; rejects with the media error.
  ready() {
    return new Promise((resolve, reject) => {
      const v = this.video;
      v.addEventListener('loadeddata', () => resolve(), { once: true });
      v.addEventListener('error', () => reject(v.error), { once: true });
    });
  }

  // Enters video mode in the viewer and starts handing over frames.
  start() {
    const v = this.video;
    const [width, height] = frameSize(v.videoWidth, v.videoHeight);
    Object.assign(this, { width, height }, readbackCanvas(width, height));
    const settings = this.stream?.getVideoTracks()[0]?.getSettings?.() ?? {};
    const fps = this.isCamera ? settings.frameRate || 30 : this.info?.fps || 0;
    this.fps = fps;
    const duration = this.isCamera ? 0 : Number.isFinite(v.duration) ? v.duration : this.info?.duration || 0;
    call('dv_app_video_open', ['string', 'number', 'number', 'number', 'number', 'number', 'number'],
         [this.name, width, height, fps, duration, this.isCamera ? -1 : this.info?.frames ?? -1, this.isCamera ? 1 : 0]);
    this.opened = true;
    const sendState = () => { if (!this.closed) Module._dv_app_video_state(v.paused || v.ended ? 0 : 1, v.currentTime); };
    for (const type of ['play', 'pause', 'seeked']) v.addEventListener(type, sendState);
    v.addEventListener('ended', () => {
      sendState();
      if (!this.isCamera && !this.closed) call('dv_app_video_end', ['string'], ['']);
    });
    v.addEventListener('error', () => this.fail(`${this.name}: decoding failed (${v.error?.message || `media error ${v.error?.code}`})`));
    const track = this.stream?.getVideoTracks()[0];
    track?.addEventListener('ended', () => this.fail('the camera stopped (track ended)'));
    // ~4 times a second while playing; also notices a camera track that ended without an event
    // (stopped by the page, or a device whose driver went away).
    this.timer = setInterval(() => {
      if (track && track.readyState === 'ended') { this.fail('the camera stopped (track ended)'); return; }
      if (!v.paused && !v.ended) sendState();
    }, 250);
    const onFrame = (now, meta) => {
      if (this.closed) return;
      this.sendFrame(meta);
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
    return v.play().catch((e) => this.fail(`${this.name}: cannot play (${e.message})`));
  }

  sendFrame(meta) {
    const started = performance.now();
    const { ctx, width, height, video } = this;
    ctx.drawImage(video, 0, 0, width, height);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const time = meta?.mediaTime ?? video.currentTime;
    const index = this.isCamera ? this.framesSent : Math.round(time * (this.fps || 30));
    withHeap(rgba, (ptr) => Module._dv_app_video_frame(ptr, width, height, time, index));
    this.framesSent++;
    this.copyMs += performance.now() - started;  // draw, read back, copy in and the call: the page's cost per frame
  }

  // A camera that went away, or a decode error: one message to the viewer, then closed.
  fail(message) {
    if (this.closed) return;
    const opened = this.opened;
    this.close();
    if (opened) call('dv_app_video_end', ['string'], [message]);
    hooks.status(message);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.video.pause();
    this.stream?.getTracks().forEach((t) => t.stop());
    this.video.removeAttribute('src');
    this.video.srcObject = null;
    this.video.load();
    this.video.remove();
    if (this.url) URL.revokeObjectURL(this.url);
    if (player === this) player = null;
  }
}

// Stops the video or camera playing (a photo was opened).
export function closeVideo() { player?.close(); }

// A dropped or chosen video file: probed (codec, frame count, rate), then played.
export async function openVideo(file) {
  const say = (text) => { hooks.status(`${file.name}: ${text}`); return false; };
  if (!hasVideoApi()) return say('this build of depthview cannot show videos (no video support in its WebAssembly)');
  if (file.size === 0) return say('the file is empty');
  const info = await probe(file);
  if (info?.error) return say(info.error);
  if (info && !info.canDecode) {
    const type = /webm|matroska/i.test(file.type) || /\.(webm|mkv)$/i.test(file.name) ? 'video/webm' : 'video/mp4';
    // canDecode asks WebCodecs; <video> may still play it (its own decoders), so ask it too.
    if (!document.createElement('video').canPlayType(`${type}; codecs="${info.codecString}"`)) return say(codecMessage(info));
  }
  player?.close();
  const p = new Player({ name: file.name, isCamera: false, file, info });
  player = p;
  try {
    await p.ready();
  } catch (error) {
    p.close();
    if (error?.code === 4 /* MEDIA_ERR_SRC_NOT_SUPPORTED */)
      return say(info ? codecMessage(info) : `this browser cannot play it (${error.message || 'unsupported format or codec'}); convert it to H.264 or VP9`);
    return say(`cannot play it: the file is damaged or truncated (${error?.message || 'media error'})`);
  }
  if (p.closed) return false;  // another video came first
  if (!p.video.videoWidth) { p.close(); return say('the file has no video picture'); }
  await p.start();
  hooks.opened?.();
  return true;
}

// The webcam: getUserMedia, then like a file (is_camera 1, no end).
export async function startCamera() {
  const say = (text) => { hooks.status(text); return false; };
  if (!hasVideoApi()) return say('this build of depthview cannot show videos (no video support in its WebAssembly)');
  if (!navigator.mediaDevices?.getUserMedia) return say('no camera access here (the page needs a secure context: https or localhost)');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  } catch (e) {
    if (e.name === 'NotFoundError' || e.name === 'OverconstrainedError' || e.name === 'DevicesNotFoundError') return say('no camera found');
    if (e.name === 'NotAllowedError' || e.name === 'PermissionDeniedError' || e.name === 'SecurityError') return say('camera permission was refused');
    if (e.name === 'NotReadableError' || e.name === 'AbortError') return say(`the camera cannot be opened: it is in use or failed (${e.message || e.name})`);
    return say(`cannot start the camera (${e.name}: ${e.message})`);
  }
  player?.close();
  const track = stream.getVideoTracks()[0];
  const p = new Player({ name: track?.label || 'camera', isCamera: true, stream });
  player = p;
  try {
    await p.ready();
  } catch (error) {
    p.close();
    return say(`the camera gave no picture (${error?.message || 'media error'})`);
  }
  if (p.closed) return false;
  await p.start();
  hooks.opened?.();
  return true;
}

// ---------------------------------------------------------------- export
let lastExport = null;  // the record of the last export: { kind, state, frames, total, name, message }

class Canceled extends Error {}

async function exportVideo(kind) {
  const file = player && !player.isCamera ? player.file : null;
  const record = { kind, state: 'running', frames: 0, total: 0, name: '', message: '', codec: '' };
  const job = { record, canceled: false, waiting: null };
  exporter = job;
  const finish = (cancelled, message) => {
    record.state = cancelled ? 'cancelled' : message ? 'failed' : 'done';
    record.message = message;
    lastExport = record;
    if (exporter === job) exporter = null;
    call('dv_app_video_export_done', ['number', 'string'], [cancelled ? 1 : 0, message]);
    if (message) hooks.status(message);
  };
  if (!file) { finish(false, 'export: no video file is open (the camera cannot be exported)'); return; }
  const mb = await loadMediabunny();
  if (!mb) { finish(false, 'export: this site lacks vendor/mediabunny.min.mjs, which video export needs'); return; }
  if (typeof VideoEncoder !== 'function') { finish(false, 'export: this browser has no WebCodecs video encoder'); return; }
  player.video.pause();  // the viewer works on the export's frames now
  let input = null, output = null;
  try {
    input = new mb.Input({ source: new mb.BlobSource(file), formats: mb.ALL_FORMATS });
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new Error(`${file.name} has no video track`);
    if (!(await track.canDecode())) throw new Error(`${file.name}: ${codecMessage({ codec: track.codec ?? 'unknown', codecString: await track.getCodecParameterString() })}`);
    const stats = await track.computePacketStats();
    const fps = player.info?.fps || snapRate(stats.averagePacketRate);
    record.total = stats.packetCount;
    // Even sizes: 4:2:0 encoders need them.
    let [width, height] = frameSize(track.displayWidth, track.displayHeight);
    width &= ~1; height &= ~1;
    const outWidth = kind === 'sbs' ? 2 * width : width;
    const mp4 = await mb.canEncodeVideo('avc', { width: outWidth, height, frameRate: fps });
    const codec = mp4 ? 'avc' : 'vp9';
    if (!mp4 && !(await mb.canEncodeVideo('vp9', { width: outWidth, height, frameRate: fps })))
      throw new Error(`this browser can encode neither H.264 nor VP9 at ${outWidth}x${height}`);
    record.codec = codec;
    record.name = `${stem(file.name)}_${kind}.${mp4 ? 'mp4' : 'webm'}`;
    const target = new mb.BufferTarget();
    output = new mb.Output({ format: mp4 ? new mb.Mp4OutputFormat({ fastStart: 'in-memory' }) : new mb.WebMOutputFormat(), target });
    const out = readbackCanvas(outWidth, height);
    const source = new mb.CanvasSource(out.canvas, { codec, quality: mb.QUALITY_HIGH, keyFrameInterval: 2 });
    output.addVideoTrack(source, { frameRate: fps });
    await output.start();
    const frame = readbackCanvas(width, height);
    const depthImage = new ImageData(width, height);
    const sink = new mb.VideoSampleSink(track);
    let index = 0;
    for await (const sample of sink.samples()) {
      try {
        if (job.canceled) throw new Canceled();
        sample.draw(frame.ctx, 0, 0, width, height);
        const rgba = frame.ctx.getImageData(0, 0, width, height).data;
        const answered = new Promise((resolve, reject) => { job.waiting = { index, width, height, resolve, reject }; });
        withHeap(rgba, (ptr) => Module._dv_app_video_export_frame(ptr, width, height, index));
        const depth = await answered;
        if (job.canceled) throw new Canceled();
        depthImage.data.set(depth.subarray(0, depthImage.data.length));
        if (kind === 'sbs') out.ctx.drawImage(frame.canvas, 0, 0);
        out.ctx.putImageData(depthImage, kind === 'sbs' ? width : 0, 0);
        await source.add(index / fps, 1 / fps);
      } finally {
        sample.close();
      }
      record.frames = ++index;
    }
    if (index === 0) throw new Error(`${file.name}: no frame could be decoded`);
    source.close();
    await output.finalize();
    globalThis.depthview.download(new Uint8Array(target.buffer), record.name);
    finish(false, '');
  } catch (e) {
    await output?.cancel().catch(() => {});
    if (e instanceof Canceled || job.canceled) finish(true, '');
    else finish(false, `export: ${e.message}`);
  } finally {
    job.waiting = null;
    input?.dispose?.();
  }
}

// The viewer's answer to dv_app_video_export_frame: the frame's depth picture (RGBA, the frame's
// size), valid only during this call.
export function onExportFrame(index, ptr, width, height) {
  const w = exporter?.waiting;
  if (!w) return;
  if (index !== w.index || width !== w.width || height !== w.height) {
    w.reject(new Error(`the viewer answered frame ${index} (${width}x${height}) for frame ${w.index} (${w.width}x${w.height})`));
  } else {
    w.resolve(Module.HEAPU8.slice(ptr, ptr + width * height * 4));
  }
  exporter.waiting = null;
}

// Commands from the viewer's panel (src/app): play, pause, seek (seconds), close, camera,
// export-depth, export-sbs, cancel-export.
export function videoCommand(cmd, value) {
  const v = player?.video;
  switch (cmd) {
    case 'play': v?.play().catch((e) => hooks.status(`cannot play (${e.message})`)); break;
    case 'pause': v?.pause(); break;
    case 'seek': if (v && Number.isFinite(Number(value))) v.currentTime = Math.max(0, Number(value)); break;
    case 'close': player?.close(); break;
    case 'camera': startCamera(); break;
    case 'export-depth': case 'export-sbs':
      if (exporter) { hooks.status('an export is already running'); break; }
      exportVideo(cmd === 'export-sbs' ? 'sbs' : 'depth');
      break;
    case 'cancel-export':
      if (exporter) {
        exporter.canceled = true;
        exporter.waiting?.resolve(new Uint8Array(0));
      }
      break;
    default: console.warn(`depthview: unknown video command ${cmd}`);
  }
}
