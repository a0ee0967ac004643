// Where the page keeps models: Cache Storage, for finished models and for the pieces of an
// unfinished download (so a cut link, a reload or a Cancel continues where it stopped).
// Why Cache Storage and not the Origin Private File System: both draw on the same per-site quota
// (Chromium: up to 60% of the disk; Firefox: 10% or 10 GiB; Safari: about 60% once allowed), so
// both hold 100 MB; but an OPFS file written from the page (createWritable) only becomes durable
// on close(), so a reload mid-download loses it (only a worker's sync access handle writes in
// place), and older Safari lacks createWritable. Each cache.put is durable when it resolves, works
// in every current browser, and a finished model is one Response read back in one call.
// Without Cache Storage (a page that is not a secure context) pieces are kept in memory: a
// download still resumes after a cut, but not after a reload.

export const MODEL_CACHE = 'depthview-models-v1';
const PARTIAL_CACHE = 'depthview-partial-v1';
const SOURCE_HEADER = 'X-Depthview-Source';

const hasCaches = () => !!globalThis.caches;
const memoryPieces = new Map();  // file -> [{ offset, bytes, meta }] when there is no Cache Storage

export const mb = (bytes) => (bytes / 1e6).toFixed(1);

// Asks the browser not to evict the models under storage pressure (Chromium decides by the
// site's engagement; Firefox asks the user). Returns whether it is granted.
export async function askPersistence() {
  try { return (await globalThis.navigator?.storage?.persist?.()) ?? false; } catch { return false; }
}

// The one message for a quota refusal: what the download needs and what the browser allows.
// A refusal while the browser still reports room: the disk itself is full (quotas are a share of
// the disk's size, not of its free space), or a limit the estimate does not show.
export async function quotaMessage(label, needed) {
  const { usage = 0, quota = 0 } = (await globalThis.navigator?.storage?.estimate?.().catch(() => null)) || {};
  const left = Math.max(0, quota - usage);
  const why = left < needed ? `this browser lets this site keep ${mb(left)} MB more (${mb(usage)} of ${mb(quota)} MB used)` :
    `the browser refused to keep more although it reports ${mb(left)} MB left for this site (${mb(usage)} of ${mb(quota)} MB used): the disk may be full`;
  return `Not enough storage for ${label}: it needs ${mb(needed)} MB, ${why}. ` +
    'Free disk space or remove downloaded models (Models kept in this browser), then choose the model again.';
}

export class QuotaError extends Error {}

// cache.put, with a quota refusal turned into QuotaError (its message says the space needed).
async function put(cache, key, response, label, needed) {
  try {
    await cache.put(key, response);
  } catch (e) {
    if (e?.name === 'QuotaExceededError') throw new QuotaError(await quotaMessage(label, needed));
    throw e;
  }
}

export async function storedModel(key) {
  if (!hasCaches()) return null;
  return (await caches.open(MODEL_CACHE)).match(key);
}

// Keeps a finished model; source is the URL it came from ('' for this site's own files).
export async function storeModel(key, bytes, source, label) {
  if (!hasCaches()) return;
  const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length), [SOURCE_HEADER]: source };
  await put(await caches.open(MODEL_CACHE), key, new Response(bytes, { headers }), label, bytes.length);
}

export async function storeText(key, text) {
  if (hasCaches()) await (await caches.open(MODEL_CACHE)).put(key, new Response(text));
}

export async function storedText(key) {
  const hit = await storedModel(key);
  return hit ? hit.text() : null;
}

const fileOf = (request) => decodeURIComponent(new URL(request.url).pathname.split('/').pop());
const pieceKey = (file, offset) => `partial/${encodeURIComponent(file)}/${String(offset).padStart(12, '0')}`;
const isPieceOf = (file) => (request) => new URL(request.url).pathname.includes(`/partial/${encodeURIComponent(file)}/`);

// Everything kept: finished models (from the hub or this site) and unfinished downloads, each
// with the bytes it takes.
export async function listStored() {
  if (!hasCaches()) return [];
  const out = [];
  const models = await caches.open(MODEL_CACHE);
  for (const request of await models.keys()) {
    if (!/\.onnx$/i.test(request.url)) continue;
    const r = await models.match(request);
    out.push({ file: fileOf(request), key: request.url, bytes: Number(r.headers.get('Content-Length')) || (await r.blob()).size,
               source: r.headers.get(SOURCE_HEADER) || '', partial: false });
  }
  const partial = await caches.open(PARTIAL_CACHE);
  const byFile = new Map();
  for (const request of await partial.keys()) {
    const file = decodeURIComponent(new URL(request.url).pathname.split('/').slice(-2)[0]);
    const r = await partial.match(request);
    const entry = byFile.get(file) || { file, bytes: 0, total: Number(r.headers.get('X-Total')), partial: true };
    entry.bytes += Number(r.headers.get('Content-Length'));
    byFile.set(file, entry);
  }
  return [...out, ...byFile.values()];
}

// Removes one kept model (and any unfinished download of it).
export async function removeStored(file) {
  memoryPieces.delete(file);
  if (!hasCaches()) return;
  const models = await caches.open(MODEL_CACHE);
  for (const request of await models.keys()) if (fileOf(request) === file) await models.delete(request);
  await new PartialFile(file, {}).discard();
}

export async function removeAllStored() {
  memoryPieces.clear();
  if (!hasCaches()) return;
  const models = await caches.open(MODEL_CACHE);
  for (const request of await models.keys()) if (/\.onnx$/i.test(request.url)) await models.delete(request);
  await caches.delete(PARTIAL_CACHE);
}

// The received part of one download, in pieces of about 1 MB stored as they arrive. meta is
// { source, total, etag } of the response the bytes came from: a resume must match it.
export class PartialFile {
  constructor(file, meta) {
    this.file = file;
    this.meta = meta;
    this.pieces = [];  // { offset, length, key | bytes }
    this.offset = 0;
  }

  // The pieces kept for `file` from `source` (pieces from another source are dropped).
  static async open(file, source) {
    const part = new PartialFile(file, { source });
    const found = [];
    if (hasCaches()) {
      const cache = await caches.open(PARTIAL_CACHE);
      for (const request of (await cache.keys()).filter(isPieceOf(file))) {
        const r = await cache.match(request);
        found.push({ key: request.url, offset: Number(new URL(request.url).pathname.split('/').pop()),
                     length: Number(r.headers.get('Content-Length')), source: r.headers.get(SOURCE_HEADER),
                     total: Number(r.headers.get('X-Total')), etag: r.headers.get('X-ETag') || '' });
      }
    } else {
      found.push(...(memoryPieces.get(file) || []));
    }
    found.sort((a, b) => a.offset - b.offset);
    // Only a gapless run from byte 0 of the same file (same source, size and ETag) counts.
    for (const p of found) {
      const same = p.source === source && p.offset === part.offset &&
                   (part.pieces.length === 0 || (p.total === part.meta.total && p.etag === part.meta.etag));
      if (!same) { await part.discard(); return new PartialFile(file, { source }); }
      if (part.pieces.length === 0) Object.assign(part.meta, { total: p.total, etag: p.etag });
      part.pieces.push(p);
      part.offset += p.length;
    }
    return part;
  }

  // Pieces received in this page stay in memory too (the finished file is assembled from them:
  // reading 50 pieces back from Cache Storage took seconds); stored ones are read back only
  // after a reload.
  async append(bytes, label) {
    const piece = { offset: this.offset, length: bytes.length, bytes };
    if (hasCaches()) {
      piece.key = pieceKey(this.file, this.offset);
      const headers = { 'Content-Length': String(bytes.length), [SOURCE_HEADER]: this.meta.source,
                        'X-Total': String(this.meta.total), 'X-ETag': this.meta.etag || '' };
      await put(await caches.open(PARTIAL_CACHE), piece.key, new Response(bytes, { headers }), label, this.meta.total - this.offset);
    } else {
      Object.assign(piece, this.meta);
      memoryPieces.set(this.file, [...(memoryPieces.get(this.file) || []), piece]);
    }
    this.pieces.push(piece);
    this.offset += bytes.length;
  }

  // All the bytes received, in one array.
  async bytes() {
    const out = new Uint8Array(this.offset);
    const cache = hasCaches() ? await caches.open(PARTIAL_CACHE) : null;
    for (const p of this.pieces) {
      const hit = p.bytes ? null : await cache.match(p.key);
      const data = p.bytes || (hit ? new Uint8Array(await hit.arrayBuffer()) : null);
      if (data?.length !== p.length) throw new Error(`a stored piece of ${this.file} is missing or damaged; download it again`);
      out.set(data, p.offset);
    }
    return out;
  }

  async discard() {
    memoryPieces.delete(this.file);
    if (hasCaches()) {
      const cache = await caches.open(PARTIAL_CACHE);
      await Promise.all((await cache.keys()).filter(isPieceOf(this.file)).map((request) => cache.delete(request)));
    }
    this.pieces = [];
    this.offset = 0;
  }

  // Starts over for a response with other metadata (a 200 after a Range request, a changed file).
  async restart(meta) {
    await this.discard();
    this.meta = { source: this.meta.source, ...meta };
  }
}
