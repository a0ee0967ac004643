// scripts/serve's model check: when no model of the manifest is in the model folders, says whether
// the page will download the default one from the hub (a HEAD of its URL, 5 s at most) or exactly
// what to do instead. Prints one message; the page is served either way.
//   node web/model_check.mjs --manifest models/models.json [--models DIR]... [--hub URL]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mb } from './model_store.js';
import { modelSource, unreachableHelp } from './model_download.js';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : null; };
const dirs = args.flatMap((a, i) => (a === '--models' ? [args[i + 1]] : []));
const manifest = JSON.parse(readFileSync(opt('--manifest'), 'utf8'));
const hub = opt('--hub') || null;

const files = (m) => [...Object.values(m.variants || {}).map((v) => v.file), ...(m.local_names || [])];
const present = manifest.models.flatMap(files).find((f) => dirs.some((d) => existsSync(join(d, f))));

async function reachable(url) {
  try {
    const r = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return r.ok ? '' : `HTTP ${r.status}`;
  } catch (e) {
    const code = e.cause?.code;
    if (e.name === 'TimeoutError') return 'no answer within 5 s';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its name does not resolve: offline?';
    return code === 'ECONNREFUSED' ? 'connection refused' : (code || e.message);
  }
}

if (!present) {
  const model = manifest.preference.map((id) => manifest.models.find((m) => m.id === id))
    .find((m) => m && modelSource(manifest, m, undefined, hub));
  const source = model && modelSource(manifest, model, undefined, hub);
  const where = dirs.join(' or ');
  if (!source) {
    console.log(`depthview: no model in ${where}, and the manifest names none to download: put an .onnx file named in models/models.json into ${dirs[0]}`);
  } else {
    const why = await reachable(source.url);
    const what = `${model.name} (${source.variant}${source.size ? `, ${mb(source.size)} MB` : ''})`;
    console.log(why === ''
      ? `depthview: no model in ${where}; the page downloads ${what} from ${new URL(source.url).host} on first use and keeps it in the browser`
      : `depthview: no model in ${where}, and it cannot be downloaded from ${new URL(source.url).host} (${why}). ` +
        `To get ${what}: ${unreachableHelp(model, source, `${dirs[0]}/`)}. Serving the page anyway; it says the same.`);
  }
}
