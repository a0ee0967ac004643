// The page downloading its model from the hub, end to end in headless Chromium: a stand-in hub
// (tests/support/hub_server.mjs) on another port serves FastDepth; the site has only a manifest
// naming it (size and sha256 pinned). Shows: the progress bar advancing; a cut download resuming
// with Range; Cancel and reloads continuing from what was kept; wrong bytes refused with nothing
// kept; a quota refusal explained; an unreachable hub explained; COEP require-corp, credentialless
// and the service worker's isolation; the manifest's download_base and ?models=; an offline reload
// (hub stopped, the site serving only the page's own files) running depth from the cache; and the
// hub seeing only GETs of model files, without body, cookie or referrer.
//   node tests/web/download_e2e.mjs   (after scripts/site; needs ../shared)
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { freePort, launchChromium, startServer } from './browser.mjs';
import { pinnedManifest, startHub } from './download_site.mjs';
import { check, open, result, state, waitDepth, waitFor, waitReady } from './helpers.mjs';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared');
const site = join(root, 'build/site');
const shots = join(root, 'build/web-shots/download');
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });
const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`) });
const model = join(shared, 'models/fastdepth.onnx');
const photo = join(shared, 'photos/da2/demo01.jpg');
const LABEL = 'FastDepth (test model)';

const statusText = (page) => page.evaluate(() => document.getElementById('status').textContent);
const bar = (page) => page.evaluate(() => ({ shown: !document.getElementById('download').hidden, value: document.getElementById('progress').value,
                                             text: document.getElementById('download-text').textContent }));
const lastDownload = (page) => page.evaluate(() => depthview.lastDownload);
const progressOver = (page, what, fraction) => waitFor(page, what, (f) => !document.getElementById('download').hidden &&
                                                       document.getElementById('progress').value > f, fraction);
// What this browser keeps: finished model files, and bytes of unfinished downloads.
const kept = (page) => page.evaluate(async () => {
  const models = (await (await caches.open('depthview-models-v1')).keys()).map((r) => r.url).filter((u) => u.endsWith('.onnx'));
  const partial = await caches.open('depthview-partial-v1');
  let partialBytes = 0;
  for (const r of await partial.keys()) partialBytes += (await (await partial.match(r)).arrayBuffer()).byteLength;
  return { models: models.map((u) => u.split('/').pop()), partialBytes };
});
// Every page opened, for the check that the page makes only GET requests.
const pages = [];
async function openPage(...args) {
  const opened = await open(...args);
  pages.push(opened.page);
  return opened;
}
const noErrors = (page, what) => check(`${what}: no page errors`, page.errors.length === 0, page.errors.slice(0, 3).join(' | '));

const tmp = mkdtempSync(join(tmpdir(), 'dv-download-e2e-'));
const hubLog = join(tmp, 'hub.log');
const hub = await startHub(tmp, { 'fastdepth.onnx': model }, ['--log', hubLog]);
const deadPort = await freePort();  // nothing listens there
const pin = pinnedManifest(join(tmp, 'site-a'), { id: 'fastdepth', variant: 'fp32', file: 'fastdepth.onnx', model, url: `${hub.url}fastdepth.onnx` });
pinnedManifest(join(tmp, 'site-b'), { id: 'fastdepth', variant: 'fp32', file: 'fastdepth.onnx', model, url: `http://127.0.0.1:${deadPort}/nowhere/fastdepth.onnx` });
const mbOf = (n) => (n / 1e6).toFixed(1);

// Progress, a cut link resumed with Range, depth on a photo, the kept-models list. Returns the
// browser context (its storage) for the offline visit at the end; the page is closed so that its
// rendering does not slow the other cases.
async function cutAndResume(browser, server) {
  await hub.mode({ rate: 8, cut: 0.5, cutTimes: 1, corrupt: 0 });
  const logStart = (await hub.log()).length;
  // A cookie for 127.0.0.1 (cookies ignore ports): the hub would get it with credentials.
  const a = await openPage(browser, server.url, {}, (context) => context.addCookies([{ name: 'photo', value: 'never-sent', url: server.url }]));
  await progressOver(a.page, 'download started', 0.05);
  const first = await bar(a.page);
  await shot(a.page, '1_progress');
  await progressOver(a.page, 'download advancing', first.value + 0.1);
  const second = await bar(a.page);
  const shape = new RegExp(`^[\\d.]+ / ${mbOf(pin.size).replace('.', '\\.')} MB · [\\d.]+ MB/s · \\d+ (s|min) left$`);
  check('progress bar shown and advancing, with MB, MB/s and time left', first.shown && second.value > first.value && shape.test(first.text) && shape.test(second.text),
        `"${first.text}" -> "${second.text}"`);
  await waitReady(a.page);
  const d = await lastDownload(a.page);
  const log = (await hub.log()).slice(logStart);
  const refetched = d.bytesFetched - (d.total - d.resumedFrom);
  const sent = log.reduce((n, e) => n + e.sent, 0);
  console.log(`cut: the hub cut its first response after ${log[0]?.sent} bytes; the page had received ${d.resumes[0]} and resumed with ` +
              `"${log[1]?.range}" (HTTP ${log[1]?.status}); bytes re-fetched: ${refetched} by the page (${d.bytesFetched} received for ${d.total}), ` +
              `${sent - pin.size} by the hub (lost in the cut connection); ${d.ms.toFixed(0)} ms`);
  check('a cut download resumes where it stopped (Range, 206), nothing re-fetched',
        d.resumes.length === 1 && d.resumes[0] > 0 && log.length === 2 && log[0].cut && log[1].range === `bytes=${d.resumes[0]}-` &&
        log[1].status === 206 && refetched === 0 && d.total === pin.size, JSON.stringify(d));
  check('the status says the model is ready', (await statusText(a.page)) === `${LABEL} ready. Open a photo or a video.`, await statusText(a.page));
  let k = await kept(a.page);
  check('the model is kept, no pieces left', k.models.join() === 'fastdepth.onnx' && k.partialBytes === 0, JSON.stringify(k));
  await a.page.setInputFiles('#file', photo);
  await waitDepth(a.page, 'demo01.jpg');
  check('depth from the downloaded model', (await state(a.page)).has_depth);
  await a.page.click('#stored-summary');
  const listed = await a.page.evaluate(() => [...document.querySelectorAll('#stored-list li span')].map((e) => e.textContent));
  check('"Models kept in this browser" lists it with its size and source', listed.join() === `fastdepth.onnx (${mbOf(pin.size)} MB, from 127.0.0.1:${hub.port})`, listed.join(' | '));
  await shot(a.page, '2_depth_and_kept_list');
  noErrors(a.page, 'cut and resume');
  await a.page.close();
  return a.context;
}

// Cancel keeps what arrived; a reload continues from there; a reload mid-download continues from
// the pieces stored.
async function cancelAndReload(browser, server) {
  await hub.mode({ rate: 4, cut: 0 });
  const logStart = (await hub.log()).length;
  const b = await openPage(browser, server.url);
  await progressOver(b.page, 'download at 20%', 0.2);
  await b.page.click('#download-cancel', { force: true });  // at once: the numbers beside it keep changing
  await waitFor(b.page, 'canceled', () => /download canceled/.test(document.getElementById('status').textContent));
  const canceled = await lastDownload(b.page);
  const k = await kept(b.page);
  const text = await statusText(b.page);
  check('Cancel stops the download and keeps what arrived', canceled.kept > 0.2 * pin.size && k.partialBytes === canceled.kept && k.models.length === 0 &&
        text === `No model: ${LABEL}: download canceled; ${mbOf(canceled.kept)} MB kept, it continues from there when chosen again or on reload`, text);
  await b.page.click('#stored-summary');
  await b.page.waitForFunction(() => /unfinished download/.test(document.getElementById('stored-list').textContent));
  await shot(b.page, '3_canceled');
  await b.page.reload();
  // Reloaded again once more than a stored piece (1 MiB) has arrived since the resume.
  await waitFor(b.page, 'resumed, 1.5 MiB more', () => depthview.lastDownload?.bytesFetched > 1.5 * 2 ** 20);
  const resumed = await lastDownload(b.page);
  check('after Cancel, a reload continues from the bytes kept', resumed.resumedFrom === canceled.kept, `from ${resumed.resumedFrom}, kept ${canceled.kept}`);
  await b.page.reload();  // mid-download
  await waitReady(b.page);
  const last = await lastDownload(b.page);
  const sent = (await hub.log()).slice(logStart).reduce((n, e) => n + e.sent, 0);
  console.log(`cancel + 2 reloads: requests from ${[0, resumed.resumedFrom, last.resumedFrom].join(', ')}; the hub sent ${sent} bytes for a ${pin.size}-byte file ` +
              `(re-fetched: ${sent - pin.size}, what had arrived but was not yet stored as a piece at the reload)`);
  check('a reload mid-download continues from the pieces stored', last.resumedFrom > resumed.resumedFrom && last.resumedFrom < pin.size &&
        last.bytesFetched === last.total - last.resumedFrom,
        JSON.stringify(last));
  check('after the reloads the model is kept, no pieces left', JSON.stringify(await kept(b.page)) === '{"models":["fastdepth.onnx"],"partialBytes":0}');
  noErrors(b.page, 'cancel and reload');
  await b.context.close();
}

// Wrong bytes (the hub flips one): one clear error, nothing kept.
async function corrupt(browser, server) {
  await hub.mode({ rate: 0, corrupt: 1 });
  const bytes = readFileSync(model);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;  // what the hub's --corrupt does
  const wrong = createHash('sha256').update(bytes).digest('hex');
  const c = await openPage(browser, server.url);
  await waitFor(c.page, 'the damaged download refused', () => /damaged/.test(document.getElementById('status').textContent));
  const text = await statusText(c.page);
  check('wrong bytes: one clear error', text === `No model: ${LABEL}: the downloaded file is damaged (sha256 ${wrong.slice(0, 12)}…, the manifest pins ${pin.sha256.slice(0, 12)}…); nothing was kept`, text);
  check('wrong bytes: nothing kept', JSON.stringify(await kept(c.page)) === '{"models":[],"partialBytes":0}', JSON.stringify(await kept(c.page)));
  await shot(c.page, '4_damaged');
  noErrors(c.page, 'wrong bytes');
  await c.context.close();
  await hub.mode({ corrupt: 0 });
}

// A site quota smaller than the model (Chromium's DevTools override): the refusal explained once.
// The override is enforced on writes but not shown by navigator.storage.estimate(), so the page
// meets it mid-way (cache.put's QuotaExceededError) and says the browser refused although it
// reports room, with what was left to fetch.
async function quota(browser, server) {
  const q = await openPage(browser, server.url, {}, async (context, page) => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.origin, quotaSize: 4e6 });
  });
  await waitFor(q.page, 'the quota refusal', () => /Not enough storage/.test(document.getElementById('status').textContent));
  const text = await statusText(q.page);
  const expected = new RegExp(`^No model: Not enough storage for ${LABEL.replace(/[()]/g, '\\$&')}: it needs [\\d.]+ MB, the browser refused to keep more ` +
                              'although it reports [\\d.]+ MB left for this site \\([\\d.]+ of [\\d.]+ MB used\\): the disk may be full\\. Free disk space or remove downloaded models');
  check('quota refusal: one message with the space needed and available', expected.test(text), text);
  check('quota refusal: nothing kept', JSON.stringify(await kept(q.page)) === '{"models":[],"partialBytes":0}');
  await shot(q.page, '5_quota');
  noErrors(q.page, 'quota');
  await q.context.close();
}

// ?models= a port nothing listens on: the page says what to do.
async function unreachable(browser, server) {
  const u = await openPage(browser, `${server.url}?models=http://127.0.0.1:${deadPort}`);
  await waitFor(u.page, 'the unreachable hub explained', () => /cannot be downloaded/.test(document.getElementById('status').textContent));
  const text = await statusText(u.page);
  check('hub unreachable: the page says what to do', text.startsWith(`No model: ${LABEL} is not on this site (fastdepth.onnx) and cannot be downloaded: cannot reach 127.0.0.1:${deadPort} (`) &&
        text.includes('To use it, put fastdepth.onnx into models/ next to the page (on a machine with network: depthview models --fetch fastdepth'), text);
  await shot(u.page, '6_unreachable');
  noErrors(u.page, 'unreachable hub');
  await u.context.close();
}

// The download under other isolation set-ups, from other base URLs (the manifest's url points
// nowhere here): COEP credentialless with download_base (serve.mjs --hub), and the service
// worker's require-corp (no headers from the server) with ?models=.
async function isolations(browser) {
  const credentialless = await startServer(root, ['--root', site, '--coep', 'credentialless', '--models', join(tmp, 'site-b'), '--hub', hub.url]);
  const plain = await startServer(root, ['--root', site, '--no-isolation', '--models', join(tmp, 'site-b')]);
  try {
    for (const [what, url] of [['COEP credentialless, the manifest\'s download_base', credentialless.url],
                               ['the service worker\'s COEP require-corp, ?models=', `${plain.url}?models=${encodeURIComponent(hub.origin)}`]]) {
      const p = await openPage(browser, url);
      await waitFor(p.page, 'isolated', () => self.crossOriginIsolated && globalThis.depthview?.build, null, 60000);
      await waitReady(p.page);
      const d = await lastDownload(p.page);
      const build = await p.page.evaluate(() => depthview.build);
      check(`${what}: cross-origin isolated (threads), model downloaded from the hub`, build !== 'single' && d?.url === `${hub.url}fastdepth.onnx` && d.total === pin.size,
            `${build} build, ${d?.url}`);
      noErrors(p.page, what);
      await p.context.close();
    }
  } finally {
    await credentialless.stop();
    await plain.stop();
  }
}

// Offline: the hub stopped, the site restarted serving only the page's own files (no manifest,
// no models): the page, opened again in the profile of the first download, runs depth from what
// the browser kept, asking the hub for nothing.
async function offline(context, server) {
  await hub.stop();
  await server.stop();
  const own = await startServer(root, ['--root', site], server.port);
  try {
    const a = await openPage(browser, server.url, {}, null, context);
    await waitReady(a.page);
    await a.page.setInputFiles('#file', photo);
    await waitDepth(a.page, 'demo01.jpg');
    const toHub = a.page.requests.filter((u) => u.startsWith(hub.origin));
    check('offline visit (hub stopped, the site serving only the page): depth from the cache, no request to the hub',
          (await state(a.page)).has_depth && toHub.length === 0, `${toHub.length} hub requests, ${a.page.requests.length} in all`);
    await shot(a.page, '7_offline');
    const outside = a.page.requests.filter((u) => !u.startsWith(server.origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    check('offline visit: no request leaves the site', outside.length === 0, outside.slice(0, 3).join(', '));
    noErrors(a.page, 'offline visit');
  } finally {
    await own.stop();
  }
}

// What the hub saw over the whole run: GETs of model files, nothing else.
function hubSaw() {
  const entries = readFileSync(hubLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const bad = entries.filter((e) => e.method !== 'GET' || !/^\/[^/?]+\.onnx$/.test(e.url) || e.body !== 0 || e.cookie || e.referer);
  const ranges = entries.filter((e) => e.range).length;
  check('the hub saw only GETs of model files: no body, no cookie, no referrer', entries.length > 0 && bad.length === 0,
        `${entries.length} requests (${ranges} with Range), ${bad.length} other: ${JSON.stringify(bad.slice(0, 2))}`);
}

const browser = await launchChromium();
const server = await startServer(root, ['--root', site, '--models', join(tmp, 'site-a')]);
try {
  console.log(`Chromium ${browser.version()}; hub ${hub.url}, site ${server.url}`);
  const onSite = await fetch(`${server.url}models/fastdepth.onnx`);
  check('the site itself has no model file', onSite.status === 404, `HTTP ${onSite.status}`);
  const profile = await cutAndResume(browser, server);
  await cancelAndReload(browser, server);
  await corrupt(browser, server);
  await quota(browser, server);
  await unreachable(browser, server);
  await isolations(browser);
  await offline(profile, server);
  const nonGet = pages.flatMap((p) => p.nonGet);
  check('the page made only GET requests (site and hub)', nonGet.length === 0, nonGet.slice(0, 3).join(', '));
  hubSaw();
} catch (e) {
  result.failures++;
  console.log(`FAIL: ${e.message}`);
} finally {
  await server.stop();
  await hub.stop();
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${result.failures} failure(s); screenshots in ${shots}`);
process.exit(result.failures ? 1 : 0);
