// depthview page: loads the viewer's WebAssembly build and gives it models and photos.
// Everything runs here: photos never leave the device; the only requests are for this site's own
// files (the page, the wasm build, models/). Models are kept in Cache Storage, so a second visit
// works offline.
import { wasmFlavour } from './wasm-flavour.js';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
const MODEL_CACHE = 'depthview-models-v1';

// Hooks the wasm module calls (src/app/platform.cpp), and the state tests read.
globalThis.depthview = {
  firstFrameMs: null,
  frames: 0,
  onFrame() {
    if (this.frames++ === 0) this.firstFrameMs = performance.now();
  },
  openPicker() { $('file').click(); },
  download(bytes, name) {
    const url = URL.createObjectURL(new Blob([bytes]));
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  },
  requestModel(id, variant) {
    installModel(id, variant).then((name) => {
      status(`${name} ready.`);
      Module.ccall('dv_app_set_model', null, ['string', 'string'], [id, variant || '']);
    }, (e) => status(e.message));
  },
  state() { return JSON.parse(Module.UTF8ToString(Module._dv_app_state())); },
};

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
  await openFile(files[0]);
}

async function openFile(file) {
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const ptr = Module._malloc(bytes.length);
  if (!ptr) { status(`${file.name} is too large for this browser's memory`); return; }
  Module.HEAPU8.set(bytes, ptr);
  Module.ccall('dv_app_open_bytes', null, ['number', 'number', 'string'], [ptr, bytes.length, file.name]);
  Module._free(ptr);
  $('overlay').classList.add('hidden');
}

// A site file, from Cache Storage when it is there; else downloaded (streamed, with progress) and
// cached. Returns null when neither has it.
async function cachedBytes(url, label) {
  const cache = globalThis.caches ? await caches.open(MODEL_CACHE) : null;
  const hit = cache && await cache.match(url);
  if (hit) return new Uint8Array(await hit.arrayBuffer());
  let response;
  try { response = await fetch(url); } catch { return null; }
  if (!response.ok) return null;
  const total = Number(response.headers.get('Content-Length')) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  $('progress').hidden = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    $('progress').value = total ? received / total : 0;
    status(`Downloading ${label}: ${(received / 1e6).toFixed(1)}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB`);
  }
  $('progress').hidden = true;
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  if (cache) await cache.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } }));
  return bytes;
}

let manifest = null;

// The manifest: fresh from the site when reachable, else the cached copy.
async function loadManifest() {
  const cache = globalThis.caches ? await caches.open(MODEL_CACHE) : null;
  try {
    const response = await fetch('models/models.json', { cache: 'no-cache' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    if (cache) await cache.put('models/models.json', new Response(text));
    return JSON.parse(text);
  } catch (e) {
    const hit = cache && await cache.match('models/models.json');
    if (hit) return JSON.parse(await hit.text());
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
  const preferred = variant || model.default_variant?.web || 'fp32';
  const order = variant ? [variant] : [preferred, ...names.filter((n) => n !== preferred)];
  return order.map((name) => ({
    name,
    files: [...new Set([...(variants[name] ? [variants[name].file] : []), ...(name === 'fp32' ? model.local_names || [] : [])])],
  }));
}

// Stores a variant of one model of the manifest in the module's file system ("" or undefined:
// the default variant, else another one the site has); returns its display name.
async function installModel(id, variant) {
  const model = manifest.models.find((m) => m.id === id);
  if (!model) throw new Error(`unknown model ${id}`);
  const tried = [];
  for (const v of variantFiles(model, variant)) {
    const label = Object.keys(model.variants || {}).length > 1 ? `${model.name} (${v.name})` : model.name;
    for (const name of v.files) {
      tried.push(name);
      const bytes = await cachedBytes(`models/${name}`, label);
      if (!bytes) continue;
      Module.FS.writeFile(`/models/${name}`, bytes);
      Module._dv_app_models_changed();
      return label;
    }
  }
  throw new Error(`${model.name} is not on this site: put ${tried.length > 1 ? 'one of ' : ''}${tried.join(', ')} into models/ next to the page`);
}

// The best model the site (or the cache) has, in the manifest's order of preference.
async function loadBestModel() {
  manifest = await loadManifest();
  Module.FS.mkdirTree('/models');
  Module.FS.writeFile('/models/models.json', JSON.stringify(manifest));
  Module._dv_app_models_changed();
  for (const id of manifest.preference) {
    try { return await installModel(id); } catch { /* try the next one */ }
  }
  throw new Error('no model on this site: put an .onnx file named in models/models.json into models/ next to the page');
}

function wireInputs() {
  $('open').disabled = false;
  $('open').onclick = () => $('file').click();
  $('file').onchange = () => openFiles($('file').files);
  document.addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items || [])].find((i) => i.type.startsWith('image/'));
    if (item) openFile(item.getAsFile());
  });
  // Drops anywhere on the page; on the canvas the GLFW port's drop callback takes them.
  document.addEventListener('dragover', (e) => e.preventDefault());
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
      wireInputs();
      status('Loading the model…');
      loadBestModel().then((name) => status(`${name} ready. Open a photo.`), (e) => status(`No model: ${e.message}`));
    },
  };
  Object.assign(globalThis.depthview, { build, threads });
  // The wasm downloads (and compiles, streaming) in parallel with its JS loader.
  document.head.appendChild(Object.assign(document.createElement('link'),
    { rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: `${build}/depthview_viewer.wasm` }));
  const script = document.createElement('script');
  script.src = `${build}/depthview_viewer.js`;
  script.onerror = () => status(`Cannot load ${script.src}.`);
  document.body.appendChild(script);
}

start();
