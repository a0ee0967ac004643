// depthview page: loads the viewer's WebAssembly build and gives it models and photos.
// Everything runs here: photos never leave the device. Requests go to this site's own files (the
// page, the wasm build, models/) and, only when the site lacks the chosen model, to the model hub
// for that one file (GETs without credentials or referrer: web/model_download.js). Models are kept
// in Cache Storage (web/model_store.js), so a second visit works offline.
import { wasmFlavour } from './wasm-flavour.js';
import { downloadModel, DownloadCanceled, modelSource, NetworkCut, unreachableHelp, webVariant } from './model_download.js';
import { mb, storedModel, storedText, storeModel, storeText } from './model_store.js';
import { refreshStored, showDownload, wireStored } from './download_ui.js';
import { closeVideo, initVideo, isVideoFile, onExportFrame, openVideo, startCamera, videoCommand } from './video.js';
import { parallaxExport, parallaxRecord } from './parallax.js';
import { deviceInfo, wireTouch } from './touch.js';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
// ?models=URL: another model hub (a mirror, a test server), over the manifest's download_base.
const hubParam = new URLSearchParams(location.search).get('models') || null;

// Hooks the wasm module calls (src/app/platform.cpp), and the state tests read.
globalThis.depthview = {
  firstFrameMs: null,
  frames: 0,
  onFrame() {
    if (this.frames++ === 0) this.firstFrameMs = performance.now();
  },
  // "photo": the phone's gallery (image/*), "camera": its camera (capture), "any": every kind.
  openPicker(kind) { $({ photo: 'file-photo', camera: 'file-camera' }[kind] || 'file').click(); },
  download(bytes, name) {
    const url = URL.createObjectURL(new Blob([bytes]));
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  },
  // The last download from the hub: { url, resumedFrom, resumes, bytesFetched, total, restarted,
  // persisted, kept, startedAt (performance.now()), receivedMs (to the last byte), ms (to stored) }.
  lastDownload: null,
  requestModel(id, variant) {
    installModel(id, variant).then((name) => {
      status(`${name} ready.`);
      Module.ccall('dv_app_set_model', null, ['string', 'string'], [id, variant || '']);
    }, (e) => status(e.message));
  },
  state() { return JSON.parse(Module.UTF8ToString(Module._dv_app_state())); },
  // Video files and the camera (web/video.js): the viewer's panel commands, and its answer to
  // each frame of an export.
  videoCommand(cmd, value) { videoCommand(cmd, value); },
  onExportFrame(index, ptr, width, height) { onExportFrame(index, ptr, width, height); },
  // The 3D photo's parallax videos (web/parallax.js): the viewer's request, and what it is doing.
  parallaxExport(...args) { parallaxExport(...args); },
  get parallax() { return parallaxRecord(); },
};
// Video messages go to the status line, shown again if a photo had hidden it.
initVideo({
  status(text) { status(text); $('overlay').classList.remove('hidden'); },
  opened() { $('overlay').classList.add('hidden'); },
});

// A model file (.onnx) chosen or dropped by the user, with a preprocessor_config.json if one came
// along: stored in the module's file system and run by what it says (src/depth/model_file.h).
async function openModelFile(model, files) {
  const dir = '/models/user';
  Module.FS.mkdirTree(dir);
  for (const f of files.filter((f) => f.name === 'preprocessor_config.json'))
    Module.FS.writeFile(`${dir}/${f.name}`, new Uint8Array(await f.arrayBuffer()));
  Module.FS.writeFile(`${dir}/${model.name}`, new Uint8Array(await model.arrayBuffer()));
  Module.ccall('dv_app_set_model', null, ['string', 'string'], [`${dir}/${model.name}`, '']);
}

// Photo bytes go straight into the module's memory; a model file becomes the model.
async function openFiles(list) {
  const files = [...(list || [])];
  const model = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  if (model) { await openModelFile(model, files); return; }
  if (isVideoFile(files[0])) { await openVideo(files[0]); return; }
  if (files.length >= 2) { await openTwoFiles(files[0], files[1]); return; }
  await openFile(files[0]);
}

// Bytes in the module's heap for one call; false when the browser has no room for them.
async function withBytes(files, call) {
  const arrays = await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
  const ptrs = arrays.map((a) => Module._malloc(a.length));
  try {
    if (ptrs.some((p) => !p)) { status(`${files.map((f) => f.name).join(' + ')}: too large for this browser's memory`); return false; }
    arrays.forEach((a, i) => Module.HEAPU8.set(a, ptrs[i]));
    closeVideo();
    call(ptrs, arrays.map((a) => a.length));
    $('overlay').classList.add('hidden');
    return true;
  } finally {
    ptrs.forEach((p) => p && Module._free(p));
  }
}

// A photo with its depth file (an RGB-D pair), in either order: the viewer tells them apart.
async function openTwoFiles(a, b) {
  await withBytes([a, b], ([pa, pb], [na, nb]) =>
    Module.ccall('dv_app_open_two', null, ['number', 'number', 'string', 'number', 'number', 'string'],
                 [pa, na, a.name, pb, nb, b.name]));
}

async function openFile(file) {
  if (!file) return;
  await withBytes([file], ([ptr], [size]) =>
    Module.ccall('dv_app_open_bytes', null, ['number', 'number', 'string'], [ptr, size, file.name]));
}

// The download in progress (one at a time: a new one cancels it; what arrived is kept).
let active = null;
function startDownload(label) {
  active?.abort();
  const controller = new AbortController();
  active = controller;
  const bar = showDownload(label, () => controller.abort());
  return { signal: controller.signal, bar, end: () => { if (active === controller) active = null; } };
}

// A site file, from Cache Storage when it is there; else downloaded (streamed, with progress) and
// cached. Returns null when neither has it.
async function cachedBytes(url, label) {
  const hit = await storedModel(url);
  if (hit) return new Uint8Array(await hit.arrayBuffer());
  let response;
  try { response = await fetch(url); } catch { return null; }
  if (!response.ok) return null;
  const total = Number(response.headers.get('Content-Length')) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  const started = performance.now();
  const { signal, bar, end } = startDownload(label);
  signal.onabort = () => reader.cancel();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      bar.update({ done: received, total, rate: (received * 1000) / Math.max(1, performance.now() - started) });
    }
  } finally { end(); }
  if (signal.aborted) { bar.fail(`${label}: download canceled`, 'Download canceled'); throw new DownloadCanceled(`${label}: download canceled`); }
  bar.done();
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  await storeModel(url, bytes, '', label).catch((e) => console.warn(`not kept: ${e.message}`));
  return bytes;
}

let manifest = null;
let manifestReady = null;  // loadManifest(), started with the page (it took 0.3-0.5 s here once the wasm ran)

// The manifest: fresh from the site when reachable, else the cached copy.
async function loadManifest() {
  try {
    const response = await fetch('models/models.json', { cache: 'no-cache' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    // Kept for offline visits; not awaited (a fresh profile's first Cache Storage write took 0.8 s).
    storeText('models/models.json', text).catch((e) => console.warn(`manifest not kept: ${e.message}`));
    return JSON.parse(text);
  } catch (e) {
    const text = await storedText('models/models.json');
    if (text) return JSON.parse(text);
    throw new Error(`cannot load models/models.json (${e.message})`);
  }
}

// The variants to look for, each with its file names: the one asked for; else the manifest's
// default for the web first, then the others. local_names are other names of the fp32 file (as
// in src/depth/model_catalog.cpp).
function variantFiles(model, variant) {
  const variants = model.variants || {};
  const names = Object.keys(variants);
  if ((model.local_names || []).length && !names.includes('fp32')) names.unshift('fp32');
  const preferred = variant || deviceVariant(model) || model.default_variant?.web || 'fp32';
  const order = variant ? [variant] : [preferred, ...names.filter((n) => n !== preferred)];
  return order.map((name) => ({
    name,
    files: [...new Set([...(variants[name] ? [variants[name].file] : []), ...(name === 'fp32' ? model.local_names || [] : [])])],
  }));
}

// The variant that suits this device's memory, as the viewer decides (src/app/model_setup.h);
// undefined: the manifest's default.
const deviceVariant = (model) => Module.ccall('dv_app_preferred_variant', 'string', ['string'], [model.id]) || undefined;

const modelLabel = (model, variant) => (Object.keys(model.variants || {}).length > 1 ? `${model.name} (${variant})` : model.name);

// Stores the model's file in the module's file system and tells the viewer.
function install(name, bytes) {
  Module.FS.writeFile(`/models/${name}`, bytes);
  Module._dv_app_models_changed();
}

// Downloads a variant from the hub (progress in the bar, Cancel keeps what arrived).
async function fromHub(model, source, tried) {
  const label = modelLabel(model, source.variant);
  const sized = `${label}${source.size ? `, ${mb(source.size)} MB` : ''}`;
  const { signal, bar, end } = startDownload(sized);
  const record = {};
  globalThis.depthview.lastDownload = record;
  try {
    const bytes = await downloadModel(source, { label, signal, record, onProgress: (p) => bar.update(p) });
    bar.done();
    return { bytes, label };
  } catch (e) {
    let message = e.message;
    const canceled = e instanceof DownloadCanceled;
    if (canceled) {
      message = `${label}: download canceled; ${mb(record.kept || 0)} MB kept, it continues from there when chosen again or on reload`;
    } else if (e instanceof NetworkCut) {
      message = `${model.name} is not on this site (${tried.join(', ')}) and cannot be downloaded: ${e.message}. To use it, ${unreachableHelp(model, source)}`;
    }
    bar.fail(message, canceled ? 'Download canceled' : 'Download failed');
    throw new Error(message);
  } finally {
    end();
    refreshStored();
  }
}

// Stores a variant of one model of the manifest in the module's file system ("" or undefined:
// the default variant, else another one the site has); when neither the site nor this browser has
// it and `download` is set, downloads the variant (or the web default) from the hub. Returns its
// display name.
async function installModel(id, variant, { download = true } = {}) {
  const model = manifest.models.find((m) => m.id === id);
  if (!model) throw new Error(`unknown model ${id}`);
  const tried = [];
  for (const v of variantFiles(model, variant)) {
    const label = modelLabel(model, v.name);
    for (const name of v.files) {
      tried.push(name);
      const bytes = await cachedBytes(`models/${name}`, label);
      if (!bytes) continue;
      install(name, bytes);
      return label;
    }
  }
  const source = download ? modelSource(manifest, model, variant || deviceVariant(model), hubParam) : null;
  if (!source) throw new Error(`${model.name} is not on this site: put ${tried.length > 1 ? 'one of ' : ''}${tried.join(', ')} into models/ next to the page`);
  const { bytes, label } = await fromHub(model, source, tried);
  install(source.file, bytes);
  return label;
}

// The best model the site (or the cache) has, in the manifest's order of preference; when it has
// none, the first one with a download, from the hub.
async function loadBestModel() {
  manifest = await manifestReady;
  Module.FS.mkdirTree('/models');
  Module.FS.writeFile('/models/models.json', JSON.stringify(manifest));
  Module._dv_app_models_changed();
  for (const id of manifest.preference) {
    try {
      return await installModel(id, undefined, { download: false });
    } catch (e) {
      if (e instanceof DownloadCanceled) throw e;  // Cancel stops; else try the next one
    }
  }
  const id = manifest.preference.find((i) => {
    const m = manifest.models.find((x) => x.id === i);
    return m && modelSource(manifest, m, webVariant(m), hubParam);
  });
  if (!id) throw new Error('no model on this site: put an .onnx file named in models/models.json into models/ next to the page');
  return installModel(id);
}

function wireInputs() {
  $('open').disabled = false;
  $('open').onclick = () => globalThis.depthview.openPicker(globalThis.depthview.device?.touch ? 'photo' : 'any');
  for (const id of ['file', 'file-photo', 'file-camera']) $(id).onchange = () => openFiles($(id).files);
  wireTouch(Module.canvas);
  document.addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items || [])].find((i) => i.type.startsWith('image/'));
    if (item) openFile(item.getAsFile());
  });
  // Drops anywhere on the page; on the canvas the GLFW port's drop callback takes them.
  document.addEventListener('dragover', (e) => e.preventDefault());
  // Videos are played here, not by the GLFW port's drop (that one hands the viewer files).
  window.addEventListener('drop', (e) => {
    const files = [...(e.dataTransfer?.files || [])];
    if (!files.some(isVideoFile)) {
      if (files.some((f) => f.type.startsWith('image/'))) closeVideo();  // a photo replaces the video
      return;
    }
    e.preventDefault();
    e.stopPropagation();
    openFiles(e.dataTransfer.files);
  }, true);
  document.addEventListener('drop', (e) => {
    if (e.target === Module.canvas) { $('overlay').classList.add('hidden'); return; }
    e.preventDefault();
    openFiles(e.dataTransfer.files);
  });
}

// Threads need cross-origin isolation. On a static host without COOP/COEP headers, a service
// worker (coi-sw.js) adds them and the page reloads once; where that is impossible the
// single-threaded build runs and says so.
async function isolationOrFallback() {
  if (self.crossOriginIsolated) return true;
  const params = new URLSearchParams(location.search);
  if ('serviceWorker' in navigator && !params.has('no-sw') && !sessionStorage.getItem('depthview.sw-tried')) {
    try {
      sessionStorage.setItem('depthview.sw-tried', '1');
      await navigator.serviceWorker.register('coi-sw.js');
      await navigator.serviceWorker.ready;
      location.reload();
      return null;  // reloading
    } catch { /* fall through to single-threaded */ }
  }
  $('notice').style.display = 'block';
  $('notice').textContent = 'Not cross-origin isolated: running the single-threaded build (slower; the page pauses while depth is estimated).';
  return false;
}

async function start() {
  const flavour = wasmFlavour();
  if (!flavour) { status('This browser lacks WebAssembly SIMD, which depthview needs (try a current Chrome, Edge, Firefox or Safari).'); return; }
  const threads = await isolationOrFallback();
  if (threads === null) return;
  sessionStorage.removeItem('depthview.sw-tried');
  const build = threads ? flavour : 'single';
  globalThis.Module = {
    canvas: $('canvas'),
    print: (line) => console.log(line),
    printErr: (line) => console.warn(line),
    onRuntimeInitialized() {
      globalThis.depthview.readyMs = performance.now();
      const device = deviceInfo();
      globalThis.depthview.device = device;
      Module._dv_app_set_device(device.memoryGb, device.touch ? 1 : 0);
      wireInputs();
      wireStored();
      status('Loading the model…');
      loadBestModel().then((name) => {
        status(`${name} ready. Open a photo or a video.`);
        if (new URLSearchParams(location.search).get('camera') === '1') startCamera();  // tests
      }, (e) => status(`No model: ${e.message}`));
    },
  };
  Object.assign(globalThis.depthview, { build, threads });
  manifestReady = loadManifest();
  manifestReady.catch(() => {});  // reported by loadBestModel, which awaits it
  // The wasm downloads (and compiles, streaming) in parallel with its JS loader.
  document.head.appendChild(Object.assign(document.createElement('link'),
    { rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: `${build}/depthview_viewer.wasm` }));
  const script = document.createElement('script');
  script.src = `${build}/depthview_viewer.js`;
  script.onerror = () => status(`Cannot load ${script.src}.`);
  document.body.appendChild(script);
}

start();
