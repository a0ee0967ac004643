// depthview dev server: static files on 127.0.0.1 with the headers threads need.
//   node web/serve.mjs [--root DIR] [--port N] [--no-isolation] [--coep credentialless]
//                      [--models DIR]... [--hub URL]
// /models/NAME is looked up in each --models folder in turn (after DIR/models), so the page can
// find the project's manifest and models in ../shared/models without copying them. --hub: the
// manifest is served with download_base set to URL (a mirror or a test hub for the page's downloads).
// COOP same-origin + COEP require-corp make the page cross-origin isolated, which is what gives
// it SharedArrayBuffer (wasm threads). --no-isolation serves without them (to test the fallback);
// --coep credentialless sends that COEP instead (isolated too; tests the page under both).
import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const root = resolve(opt('--root', '.'));
const port = Number(opt('--port', process.env.PORT || 8080));
const isolate = !args.includes('--no-isolation');
const coep = opt('--coep', 'require-corp');
const hub = opt('--hub', null);
const modelDirs = args.flatMap((a, i) => (a === '--models' ? [resolve(args[i + 1])] : []));

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.onnx': 'application/octet-stream',
};

function resolveIn(base, rel) {
  const full = join(base, rel);
  if (full !== base && !full.startsWith(base + sep)) return null;  // no escaping the folder
  try {
    const st = statSync(full);
    return st.isDirectory() ? join(full, 'index.html') : full;
  } catch { return null; }
}

function resolvePath(urlPath) {
  const clean = normalize(decodeURIComponent(urlPath.split('?')[0])).replace(/^([/\\])+/, '');
  const found = resolveIn(root, clean);
  if (found || !clean.startsWith('models' + sep)) return found;
  for (const dir of modelDirs) {
    const f = resolveIn(dir, clean.slice('models/'.length));
    if (f) return f;
  }
  return null;
}

const server = createServer((req, res) => {
  const headers = { 'Cache-Control': 'no-cache', 'Cross-Origin-Resource-Policy': 'same-origin' };
  if (isolate) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = coep;
  }
  const file = resolvePath(req.url);
  let size = -1;
  try { if (file) size = statSync(file).size; } catch { /* not found */ }
  if (size < 0) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  // With --hub, the manifest as the page should see it: download_base set to the hub.
  const body = hub && file.endsWith(`${sep}models.json`) ?
    Buffer.from(JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), download_base: hub })) : null;
  res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] || 'application/octet-stream',
                       'Content-Length': body ? body.length : size });
  if (body) { res.end(req.method === 'HEAD' ? undefined : body); return; }
  if (req.method === 'HEAD') { res.end(); return; }
  createReadStream(file).pipe(res);
});

server.on('error', (e) => {
  console.error(`depthview server: cannot listen on 127.0.0.1:${port}: ${e.code === 'EADDRINUSE' ? 'port in use (try --port N)' : e.message}`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`depthview: serving ${root}${isolate ? '' : ' (without cross-origin isolation)'}`);
  console.log(`depthview: open http://127.0.0.1:${port}/`);
});
