// depthview page: loads the viewer's WebAssembly build (relaxed SIMD when the browser validates
// it, else SIMD128), gives it a model and photos. Everything runs here: no photo is ever sent
// anywhere; the only requests are for this site's own files.
import { wasmFlavour } from './wasm-flavour.js';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
const t0 = performance.now();

// Hooks the wasm module calls (src/app/platform.cpp).
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
  state() { return JSON.parse(Module.UTF8ToString(Module._dv_app_state())); },
};

// Photo bytes go straight into the module's memory.
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

// The model manifest, then the best model this site has (models/ next to the page).
async function loadModels() {
  const manifest = await (await fetch('models/models.json')).json();
  Module.FS.mkdirTree('/models');
  Module.FS.writeFile('/models/models.json', JSON.stringify(manifest));
  const byId = Object.fromEntries(manifest.models.map((m) => [m.id, m]));
  for (const id of manifest.preference) {
    for (const name of byId[id].local_names || []) {
      const head = await fetch(`models/${name}`, { method: 'HEAD' });
      if (!head.ok) continue;
      await fetchModel(name, Number(head.headers.get('Content-Length')) || 0);
      Module._dv_app_models_changed();
      return byId[id].name;
    }
  }
  throw new Error('no model on this site: put an .onnx file from models/models.json into models/ next to the page');
}

async function fetchModel(name, total) {
  const response = await fetch(`models/${name}`);
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
    status(`Downloading ${name}: ${(received / 1e6).toFixed(1)} MB`);
  }
  $('progress').hidden = true;
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  Module.FS.writeFile(`/models/${name}`, bytes);
}

function wireInputs() {
  $('open').disabled = false;
  $('open').onclick = () => $('file').click();
  $('file').onchange = () => openFile($('file').files[0]);
  document.addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items || [])].find((i) => i.type.startsWith('image/'));
    if (item) openFile(item.getAsFile());
  });
  // Drops anywhere on the page (the canvas itself is handled by the GLFW port's drop callback).
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    if (e.target === Module.canvas) { $('overlay').classList.add('hidden'); return; }
    e.preventDefault();
    openFile(e.dataTransfer.files[0]);
  });
}

function start() {
  const flavour = wasmFlavour();
  if (!flavour) { status('This browser lacks WebAssembly SIMD, which depthview needs (try a current Chrome, Edge, Firefox or Safari).'); return; }
  if (!self.crossOriginIsolated) {
    $('notice').style.display = 'block';
    $('notice').textContent = 'This page is not cross-origin isolated: WebAssembly threads are unavailable here.';
    status('depthview needs threads: serve the page with COOP/COEP headers (scripts/run does).');
    return;
  }
  globalThis.Module = {
    canvas: $('canvas'),
    print: (line) => console.log(line),
    printErr: (line) => console.warn(line),
    onRuntimeInitialized() {
      globalThis.depthview.readyMs = performance.now() - t0;
      wireInputs();
      status('Loading the model…');
      loadModels().then((name) => status(`${name} ready. Open a photo.`),
                        (e) => status(`No model: ${e.message}`));
    },
  };
  globalThis.depthview.flavour = flavour;
  const script = document.createElement('script');
  script.src = `${flavour}/depthview_viewer.js`;
  document.body.appendChild(script);
}

start();
