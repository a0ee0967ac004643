// A stand-in for the model hub in tests: serves model files from a folder, cross-origin, the way
// huggingface.co's CDN does (CORS, Range, Content-Length), with modes that break the download.
//   node tests/support/hub_server.mjs --dir DIR [--port N] [--rate MBIT] [--cut BYTES|FRACTION]
//        [--cut-times N] [--corrupt] [--log FILE] [--prefix PATH]
// Files are served at PREFIX/NAME (default /). --rate throttles every response to MBIT Mbit/s.
// --cut ends the connection after that many bytes of a full (non-Range) response (a fraction of
// the file when < 1), for the first --cut-times responses (default 1). --corrupt flips one byte in
// the middle of every file served. --log appends one JSON line per request (method, url, range,
// body length, cookie/referer/origin headers, bytes sent) so tests can check what the hub saw.
// Control (same port, for tests): GET /__hub/mode?rate=&cut=&corrupt=0|1 changes the modes;
// GET /__hub/log returns the log as JSON. Prints "hub: listening on http://127.0.0.1:PORT/".
import { createServer } from 'node:http';
import { appendFileSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const dir = resolve(opt('--dir', '.'));
const port = Number(opt('--port', 0));
const prefix = '/' + opt('--prefix', '').replace(/^\/+|\/+$/g, '');
const logFile = opt('--log', null);
const mode = {
  rate: Number(opt('--rate', 0)),            // Mbit/s; 0 = unthrottled
  cut: Number(opt('--cut', 0)),              // bytes (or fraction) before the cut; 0 = never
  cutTimes: Number(opt('--cut-times', 1)),
  corrupt: args.includes('--corrupt'),
};
const log = [];
const CHUNK = 64 * 1024;

function fileFor(urlPath) {
  let p = decodeURIComponent(urlPath.split('?')[0]);
  if (prefix !== '/') {
    if (!p.startsWith(prefix + '/')) return null;
    p = p.slice(prefix.length);
  }
  const full = join(dir, normalize(p).replace(/^([/\\])+/, ''));
  if (!full.startsWith(dir + sep)) return null;
  try { return statSync(full).isFile() ? full : null; } catch { return null; }
}

// Parses "bytes=a-b" / "bytes=a-" against size; null = no (valid) range.
function parseRange(header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header || '');
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start, end;
  if (m[1] === '') { start = Math.max(0, size - Number(m[2])); end = size - 1; }
  else { start = Number(m[1]); end = m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2])); }
  return start <= end && start < size ? { start, end } : { unsatisfiable: true };
}

function corruptAt(size) { return Math.floor(size / 2); }

// Streams [start, end] of the file, throttled, optionally cut after `cutAfter` bytes.
function send(res, file, size, start, end, cutAfter, entry) {
  const fd = openSync(file, 'r');
  const bytesPerMs = mode.rate > 0 ? (mode.rate * 1e6 / 8) / 1000 : Infinity;
  const begun = Date.now();
  let pos = start;
  const finish = () => { closeSync(fd); };
  const pump = () => {
    while (pos <= end) {
      if (cutAfter !== null && entry.sent >= cutAfter) {
        entry.cut = true;
        finish();
        res.socket.destroy();  // the connection drops mid-body, as a flaky link does
        return;
      }
      const due = (Date.now() - begun) * bytesPerMs;
      if (entry.sent > due) { setTimeout(pump, Math.min(50, (entry.sent - due) / bytesPerMs)); return; }
      let n = Math.min(CHUNK, end - pos + 1);
      if (cutAfter !== null) n = Math.min(n, cutAfter - entry.sent);
      const buf = Buffer.alloc(n);
      readSync(fd, buf, 0, n, pos);
      const flip = corruptAt(size);
      if (mode.corrupt && flip >= pos && flip < pos + n) buf[flip - pos] ^= 0xff;
      pos += n;
      entry.sent += n;
      if (!res.write(buf)) { res.once('drain', pump); return; }
    }
    finish();
    res.end();
  };
  res.on('close', () => { if (pos <= end) entry.aborted = true; });
  pump();
}

function control(req, res, url) {
  if (url.pathname === '/__hub/log') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    res.end(JSON.stringify(log));
    return;
  }
  for (const [k, v] of url.searchParams) {
    if (k === 'corrupt') mode.corrupt = v === '1';
    else if (k in mode) mode[k] = Number(v);
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
  res.end(JSON.stringify(mode));
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://hub');
  if (url.pathname.startsWith('/__hub/')) { control(req, res, url); return; }
  let bodyLength = 0;
  req.on('data', (d) => { bodyLength += d.length; });
  req.on('end', () => {
    const entry = {
      method: req.method, url: req.url, range: req.headers.range || null, body: bodyLength,
      cookie: req.headers.cookie || null, referer: req.headers.referer || null,
      origin: req.headers.origin || null, sent: 0, status: 0,
    };
    log.push(entry);
    res.on('close', () => { if (logFile) appendFileSync(logFile, JSON.stringify(entry) + '\n'); });
    // What huggingface.co answers: CORS for any origin, Range exposed, CORP cross-origin so a
    // require-corp page may also load it in no-cors mode.
    const headers = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': 'Range',
      'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges, ETag',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Accept-Ranges': 'bytes',
    };
    if (req.method === 'OPTIONS') { entry.status = 204; res.writeHead(204, headers); res.end(); return; }
    const file = fileFor(req.url);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      entry.status = file ? 405 : 404;
      res.writeHead(entry.status, { ...headers, 'Content-Type': 'text/plain' });
      res.end(file ? 'method not allowed\n' : 'not found\n');
      return;
    }
    const size = statSync(file).size;
    headers.ETag = `"${size}-${statSync(file).mtimeMs | 0}"`;
    const range = parseRange(req.headers.range, size);
    if (range && range.unsatisfiable) {
      entry.status = 416;
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` });
      res.end();
      return;
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : size - 1;
    entry.status = range ? 206 : 200;
    res.writeHead(entry.status, {
      ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': end - start + 1,
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD') { res.end(); return; }
    let cutAfter = null;
    if (mode.cut > 0 && mode.cutTimes > 0 && !range) {
      mode.cutTimes -= 1;
      cutAfter = mode.cut < 1 ? Math.floor(size * mode.cut) : Math.min(mode.cut, size - 1);
    }
    send(res, file, size, start, end, cutAfter, entry);
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`hub: listening on http://127.0.0.1:${server.address().port}${prefix === '/' ? '/' : prefix + '/'}`);
});
