// Downloads a model file from the model hub (or a mirror): cross-origin GETs in CORS mode, no
// credentials, no referrer, nothing of the page's photos; resumed with Range requests after a cut,
// a reload or a Cancel; checked by the size rule of models/models.json (download_comment) before
// anything is kept. Also imported by web/serve.mjs (modelSource, webVariant), so no DOM at import.
import { askPersistence, mb, PartialFile, QuotaError, quotaMessage, storeModel } from './model_store.js';

const PIECE = 1 << 20;   // bytes kept per stored piece: what a reload mid-download re-fetches at most
const ATTEMPTS = 5;      // requests per download: the first and up to four resumes after a cut

// The variant the page uses when none is asked for: the manifest's web default, else the first.
export function webVariant(model, variant) {
  return variant || model.default_variant?.web || Object.keys(model.variants || {})[0] || '';
}

// Where to download a variant from: `hub` (the page's ?models=URL, the CLI's --hub) overrides the
// manifest's download_base, which overrides the variant's url. Null when it has no download.
export function modelSource(manifest, model, variant, hub) {
  const name = webVariant(model, variant);
  const v = model.variants?.[name];
  if (!v) return null;
  const base = hub || manifest.download_base;
  const url = base ? `${base.replace(/\/+$/, '')}/${v.file}` : v.url;
  if (!url) return null;
  return { id: model.id, variant: name, file: v.file, url, size: v.size ?? null, sha256: v.sha256 ?? null };
}

export class DownloadCanceled extends Error {}
export class NetworkCut extends Error {}

// The size rule: a pinned sha256 pins the exact size; else the server's declared length must be
// within 2% of the manifest's (published, rounded) size.
function checkDeclared(source, total, label) {
  if (!source.size) return;
  const ok = source.sha256 ? total === source.size : Math.abs(total - source.size) <= 0.02 * source.size;
  if (!ok) throw new Error(`${label}: the hub's file is ${total} bytes, the manifest says ${source.sha256 ? '' : 'about '}${source.size}; nothing was kept (the manifest or the hub is wrong)`);
}

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function verify(bytes, source, total, label) {
  if (bytes.length !== total) throw new Error(`${label}: received ${bytes.length} bytes, the hub declared ${total}; nothing was kept`);
  checkDeclared(source, total, label);
  if (!source.sha256) return;
  if (!globalThis.crypto?.subtle) throw new Error(`${label}: cannot check its sha256 here (not a secure context: serve the page over https or from localhost); nothing was kept`);
  const got = hex(await crypto.subtle.digest('SHA-256', bytes));
  if (got !== source.sha256.toLowerCase()) {
    throw new Error(`${label}: the downloaded file is damaged (sha256 ${got.slice(0, 12)}…, the manifest pins ${source.sha256.slice(0, 12)}…); nothing was kept`);
  }
}

// "bytes a-b/total" of a 206, or null.
function contentRange(response) {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('Content-Range') || '');
  return m ? { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) } : null;
}

// Throughput over the last few seconds, for MB/s and the time left.
function rateMeter() {
  const samples = [];
  return (bytes) => {
    const now = performance.now();
    samples.push([now, bytes]);
    while (samples.length > 2 && now - samples[0][0] > 3000) samples.shift();
    const [t0, b0] = samples[0];
    return now > t0 ? ((bytes - b0) * 1000) / (now - t0) : 0;
  };
}

// One request: from part.offset on (Range) or from the start. Returns the response to read, or
// throws. A 200 to a Range request, or a 206 for another file, starts over.
async function request(source, part, signal, label) {
  const headers = part.offset > 0 ? { Range: `bytes=${part.offset}-` } : {};
  let response;
  try {
    response = await fetch(source.url, { method: 'GET', mode: 'cors', credentials: 'omit', referrerPolicy: 'no-referrer',
                                         cache: 'no-store', headers, signal });
  } catch (e) {
    if (e?.name === 'AbortError') throw new DownloadCanceled();
    throw new NetworkCut(`cannot reach ${new URL(source.url).host} (offline, or the hub does not allow cross-origin downloads: it must send Access-Control-Allow-Origin)`);
  }
  if (response.status === 404) throw new Error(`${label}: the hub has no ${source.url}`);
  if (response.status !== 200 && response.status !== 206) throw new Error(`${label}: the hub answered HTTP ${response.status} for ${source.url}`);
  const etag = response.headers.get('ETag') || '';
  const range = response.status === 206 ? contentRange(response) : null;
  const resumes = part.offset > 0 && range && range.start === part.offset && range.total === part.meta.total &&
                  (!etag || !part.meta.etag || etag === part.meta.etag);
  if (!resumes) {
    if (response.status === 206) {  // a piece of something else: ask for the whole file
      response.body?.cancel();
      await part.restart({});
      return request(source, part, signal, label);
    }
    await part.restart({ total: Number(response.headers.get('Content-Length')) || 0, etag });
  }
  return response;
}

// Reads the body into `part`, a piece at a time; reports progress. A cut link throws NetworkCut
// with what arrived kept.
async function receive(response, part, label, signal, progress) {
  const reader = response.body.getReader();
  let pending = [], pendingBytes = 0;
  const flush = async () => {
    if (!pendingBytes) return;
    const piece = new Uint8Array(pendingBytes);
    let at = 0;
    for (const c of pending) { piece.set(c, at); at += c.length; }
    pending = []; pendingBytes = 0;
    await part.append(piece, label);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending.push(value);
      pendingBytes += value.length;
      progress(value.length, part.offset + pendingBytes);
      if (pendingBytes >= PIECE) await flush();
    }
  } catch (e) {
    if (e instanceof QuotaError) throw e;
    await flush();
    if (signal.aborted) throw new DownloadCanceled();
    throw new NetworkCut('the connection was cut');
  }
  await flush();
}

// Refuses at once what the site's quota cannot hold (rather than after most of the download).
async function ensureRoom(total, offset, label) {
  const { usage, quota } = (await globalThis.navigator?.storage?.estimate?.().catch(() => null)) || {};
  if (quota && quota - usage < total - offset) throw new QuotaError(await quotaMessage(label, total - offset));
}

// One request and its body into `part`. Throws NetworkCut when the link fails (what arrived is
// kept), DownloadCanceled on Cancel, Error for anything a retry cannot fix.
async function attempt(source, part, signal, label, record, meter, onProgress) {
  const from = part.offset;
  const response = await request(source, part, signal, label);
  if (from > 0) (part.offset === from ? record.resumes.push(from) : (record.restarted = true));
  record.total = part.meta.total;
  try {
    if (!part.meta.total) throw new Error(`${label}: the hub did not declare the file's length; nothing was kept`);
    checkDeclared(source, part.meta.total, label);
    await ensureRoom(part.meta.total, part.offset, label);
  } catch (e) { response.body?.cancel(); await part.discard(); throw e; }
  try {
    await receive(response, part, label, signal, (n, done) => {
      record.bytesFetched += n;
      onProgress({ done, total: part.meta.total, rate: meter(record.bytesFetched) });
    });
  } catch (e) {
    if (e instanceof QuotaError) await part.discard();
    throw e;
  }
}

// Downloads, verifies and keeps one model file; returns its bytes. onProgress({ done, total, rate })
// as bytes arrive; `signal` cancels (the received part is kept). The record of the download
// (where it resumed, the bytes fetched, the time) goes to `record`.
export async function downloadModel(source, { label, signal, onProgress = () => {}, record = {} }) {
  const started = performance.now();
  // Not awaited: Firefox asks the user, and the download need not wait for the answer.
  askPersistence().then((granted) => { record.persisted = granted; });
  const part = await PartialFile.open(source.file, source.url);
  Object.assign(record, { url: source.url, resumedFrom: part.offset, resumes: [], bytesFetched: 0, total: part.meta.total || 0,
                          restarted: false, persisted: null, startedAt: started, receivedMs: null, ms: null });
  try {
    return await fetchAndKeep(source, part, { label, signal, onProgress, record, started });
  } finally {
    record.kept = part.offset;  // what stays for a resume (0 once finished or refused)
  }
}

async function fetchAndKeep(source, part, { label, signal, onProgress, record, started }) {
  const meter = rateMeter();
  let cut = null;
  for (let n = 0; n < ATTEMPTS && !(part.offset > 0 && part.offset === part.meta.total); n++) {
    if (n > 0) {
      await new Promise((r) => setTimeout(r, 500 * n));
      if (signal.aborted) throw new DownloadCanceled();
    }
    try {
      await attempt(source, part, signal, label, record, meter, onProgress);
      cut = null;
      break;
    } catch (e) {
      if (!(e instanceof NetworkCut)) throw e;
      // Never reached: say so at once; cut mid-way: resume from what arrived.
      if (n === 0 && record.bytesFetched === 0 && part.offset === 0) throw e;
      cut = e;
    }
  }
  if (cut || part.offset !== part.meta.total) {
    throw new Error(`${label}: the download stopped at ${mb(part.offset)} of ${mb(part.meta.total)} MB (${cut?.message || 'incomplete'}); ` +
                    'what arrived is kept: choose the model again or reload to continue');
  }
  record.receivedMs = performance.now() - started;
  // The pieces go before the model is stored (storage never holds the file twice), and also
  // when one of them is missing (else every later try would meet it again).
  let bytes;
  try { bytes = await part.bytes(); } finally { await part.discard(); }
  await verify(bytes, source, part.meta.total, label);
  await storeModel(`models/${source.file}`, bytes, source.url, label);
  record.ms = performance.now() - started;
  return bytes;
}

// A download that never got a response (offline, hub down, no CORS) says what to do instead.
export function unreachableHelp(model, source, where = 'models/ next to the page') {
  return `put ${source.file} into ${where} (on a machine with network: ` +
    `depthview models --fetch ${model.id} --variant ${source.variant}, then copy the file here), ` +
    'or drop an .onnx file on the page';
}
