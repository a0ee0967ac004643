// End-to-end tests of the web viewer in headless Debian Chromium (playwright-core), as a person
// would use it. Prints "ok:"/"FAIL:" lines and timings; screenshots go to build/web-shots.
//   node tests/web/e2e.mjs   (after scripts/site; needs ../shared for photos and models)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { freePort, launchChromium, startServer } from './browser.mjs';
import { check, drag, open, result, state, waitDepth, waitFor, waitReady } from './helpers.mjs';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared');
const site = join(root, 'build/site');
const shots = join(root, 'build/web-shots');
mkdirSync(shots, { recursive: true });
// This test's screenshots are the files here; other tests keep theirs in folders (download/).
for (const f of readdirSync(shots, { withFileTypes: true })) if (f.isFile()) rmSync(join(shots, f.name));
const street = join(shared, 'photos/da2/demo01.jpg');
const other = join(shared, 'photos/da2/demo02.jpg');

// Where the time from photo to first relief frame went (worker: decode, model, pre- and post-processing;
// main thread: mesh and texture upload; the rest is queueing and drawing).
const breakdown = (s) => `decode ${s.decode_ms.toFixed(0)}, model ${s.model_ms.toFixed(0)}, pre+post ${(s.depth_ms - s.decode_ms - s.model_ms).toFixed(0)}, ` +
  `upload ${s.upload_ms.toFixed(0)}, other ${(s.open_to_relief_ms - s.depth_ms - s.upload_ms).toFixed(0)} ms`;

// A file dropped on the canvas with a synthetic drag-and-drop (DataTransfer + File).
async function dropFile(page, path, name) {
  const b64 = readFileSync(path).toString('base64');
  await page.evaluate(([data, fileName]) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], fileName, { type: 'image/jpeg' }));
    const canvas = document.getElementById('canvas');
    for (const type of ['dragenter', 'dragover', 'drop'])
      canvas.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: 640, clientY: 400 }));
  }, [b64, name]);
}

function parseGlb(bytes) {
  const magic = bytes.toString('latin1', 0, 4);
  const jsonLength = bytes.readUInt32LE(12);
  const json = JSON.parse(bytes.toString('utf8', 20, 20 + jsonLength));
  return { magic, json };
}

// The anchor for the first-frame time: a bare page that clears a WebGL2 canvas, in a fresh context
// of the same browser (its first animation frame after the clear). Software WebGL and a fresh
// renderer make even this slow here, so the viewer's time is printed next to it.
async function bareWebGlFirstFrame(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.route(`${server.url}anchor.html`, (route) => route.fulfill({ contentType: 'text/html', body:
    '<!doctype html><canvas id="c" width="1280" height="800"></canvas><script>const gl = document.getElementById("c").getContext("webgl2");' +
    'gl.clearColor(0.1, 0.1, 0.1, 1); gl.clear(gl.COLOR_BUFFER_BIT); requestAnimationFrame(() => { globalThis.firstFrameMs = performance.now(); });</script>' }));
  await page.goto(`${server.url}anchor.html`);
  await page.waitForFunction(() => globalThis.firstFrameMs, null, { timeout: 30000 });
  const ms = await page.evaluate(() => globalThis.firstFrameMs);
  await context.close();
  return ms;
}

async function mainFlow(browser, server) {
  const anchor = await bareWebGlFirstFrame(browser, server);
  const { context, page } = await open(browser, server.url);
  await page.waitForFunction(() => depthview.frames > 0, null, { timeout: 30000 });
  // Where the time to the first frame goes; the browser's own first paint of the static page
  // (first-contentful-paint) is the floor under it on this machine (SwiftShader, 2 cores).
  const t = await page.evaluate(() => ({
    first: depthview.firstFrameMs, ready: depthview.readyMs ?? NaN,
    dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
  }));
  console.log(`first frame ${t.first.toFixed(0)} ms after navigation (goal 500 ms; ${await page.evaluate(() => depthview.build)} build): ` +
              `page DOMContentLoaded ${t.dcl.toFixed(0)}, page first paint ${t.fcp.toFixed(0)}, wasm runtime ready ${t.ready.toFixed(0)} ms; ` +
              `a bare WebGL2 page's first frame in this browser: ${anchor.toFixed(0)} ms (ratio ${(t.first / anchor).toFixed(2)})`);
  check('cross-origin isolated', await page.evaluate(() => self.crossOriginIsolated));
  check('relaxed-SIMD or SIMD128 threaded build chosen', ['relaxed', 'simd'].includes(await page.evaluate(() => depthview.build)));
  await waitReady(page);
  await page.screenshot({ path: join(shots, '1_ready.png') });

  await page.setInputFiles('#file', street);
  await waitDepth(page, 'demo01.jpg');
  let s = await state(page);
  check('depth from the file input', s.has_depth && s.photo.width === 2048, `${s.photo.width}x${s.photo.height}`);
  check('street: bottom of the depth map nearer (brighter) than the sky', s.depth_bottom_mean > s.depth_top_mean + 0.2,
        `bottom ${s.depth_bottom_mean.toFixed(2)}, top ${s.depth_top_mean.toFixed(2)}`);
  console.log(`FastDepth: photo -> depth -> first relief frame ${s.open_to_relief_ms.toFixed(0)} ms (goal 1000 ms); ${breakdown(s)}`);
  await page.screenshot({ path: join(shots, '2_depth.png') });

  const yaw0 = s.yaw;
  await drag(page, { x: 640, y: 500 }, { x: 900, y: 540 });
  s = await state(page);
  check('relief rotates on drag', Math.abs(s.yaw - yaw0) > 0.5, `yaw ${yaw0.toFixed(2)} -> ${s.yaw.toFixed(2)}`);
  await page.screenshot({ path: join(shots, '3_rotated.png') });

  await dropFile(page, other, 'demo02.jpg');
  await waitDepth(page, 'demo02.jpg');
  s = await state(page);
  check('depth from a photo dropped on the canvas', s.photo.name.endsWith('demo02.jpg'), s.photo.name);
  await page.screenshot({ path: join(shots, '4_dropped.png') });

  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  await page.evaluate(() => Module.ccall('dv_app_run_script', null, ['string'], ['formats ply,glb; export /tmp/depthview-export']));
  await page.waitForFunction(() => true);
  for (let i = 0; i < 100 && downloads.length < 3; i++) await page.waitForTimeout(100);
  const saved = {};
  for (const d of downloads) { const p = join(shots, d.suggestedFilename()); await d.saveAs(p); saved[d.suggestedFilename()] = p; }
  check('PLY, its texture and GLB arrive as downloads', ['demo02_depth.ply', 'demo02_depth_texture.jpg', 'demo02_depth.glb'].every((n) => saved[n]),
        Object.keys(saved).join(', '));
  if (saved['demo02_depth.ply']) {
    const head = readFileSync(saved['demo02_depth.ply']).toString('latin1', 0, 400);
    const vertices = Number(/element vertex (\d+)/.exec(head)?.[1]);
    check('PLY parses', head.startsWith('ply\n') && vertices > 1000 && /element face \d+/.test(head), `${vertices} vertices`);
  }
  if (saved['demo02_depth.glb']) {
    const { magic, json } = parseGlb(readFileSync(saved['demo02_depth.glb']));
    check('GLB parses', magic === 'glTF' && json.meshes.length === 1 && json.images.length === 1,
          `${json.accessors[0].count} vertices, texture ${json.images[0].mimeType}`);
  }

  // Offline: reload with the model files blocked; the cached model still works.
  let blocked = 0;
  await page.route('**/models/*.onnx', (route) => { blocked++; return route.abort(); });
  await page.reload();
  await waitReady(page);
  await page.setInputFiles('#file', street);
  await waitDepth(page, 'demo01.jpg');
  check('model from Cache Storage with the network to it cut', (await state(page)).has_depth, `${blocked} model requests blocked`);
  await page.screenshot({ path: join(shots, '5_offline.png') });

  const outside = page.requests.filter((u) => !u.startsWith(server.origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  check('no request leaves 127.0.0.1', outside.length === 0, outside.length ? outside.slice(0, 3).join(', ') : `${page.requests.length} requests`);
  check('no page errors', page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

async function highDpi(browser, server) {
  const { context, page } = await open(browser, server.url, { deviceScaleFactor: 2 });
  await waitReady(page);
  await page.waitForFunction(() => depthview.state().ui_scale === 2);
  const size = await page.evaluate(() => [Module.canvas.width, Module.canvas.height, innerWidth, innerHeight]);
  check('high-DPI: canvas at 2x the CSS size, UI scaled 2x', size[0] === 2 * size[2] && size[1] === 2 * size[3], size.join(' '));
  await page.setViewportSize({ width: 1000, height: 600 });
  await page.waitForFunction(() => Module.canvas.width === 2000 && Module.canvas.height === 1200, null, { timeout: 10000 }).catch(() => {});
  const resized = await page.evaluate(() => [Module.canvas.width, Module.canvas.height, !!document.fullscreenElement]);
  check('window resize follows, no fullscreen request', resized[0] === 2000 && resized[1] === 1200 && !resized[2], resized.join(' '));
  await page.screenshot({ path: join(shots, '6_dpr2_resized.png') });
  await context.close();
}

async function notIsolated(browser, server) {
  // ?no-sw: the page may not install its service worker, so it must fall back to one thread.
  const { context, page } = await open(browser, `${server.url}?no-sw`);
  await waitReady(page);
  check('without COOP/COEP: single-threaded build', (await page.evaluate(() => depthview.build)) === 'single');
  check('without COOP/COEP: the notice is shown', await page.isVisible('#notice'), await page.textContent('#notice'));
  await page.setInputFiles('#file', street);
  await waitDepth(page, 'demo01.jpg');
  check('without COOP/COEP: depth still works', (await state(page)).has_depth);
  await page.screenshot({ path: join(shots, '7_single_thread.png') });
  await context.close();
  // Default: the service worker adds the headers and the page reloads isolated (static hosting).
  const sw = await open(browser, server.url);
  await sw.page.waitForFunction(() => self.crossOriginIsolated && globalThis.depthview?.build, null, { timeout: 30000 }).catch(() => {});
  check('static hosting: the service worker makes the page cross-origin isolated',
        await sw.page.evaluate(() => self.crossOriginIsolated), await sw.page.evaluate(() => globalThis.depthview?.build));
  await sw.context.close();
}

// Hostile and huge photos: a 24 MP photo runs within a 1 GB heap; a header claiming 200 MP is
// refused before decoding, with a message in the UI; the app stays up.
async function bigPhotos(browser, server) {
  const dir = mkdtempSync(join(tmpdir(), 'dv-e2e-big-'));
  try {
    const big = join(dir, 'photo24mp.jpg'), forged = join(dir, 'forged200mp.jpg');
    execFileSync('/usr/bin/python3', ['-c', `
from PIL import Image
Image.open('${street}').convert('RGB').resize((6000, 4000), Image.BICUBIC).save('${big}', quality=90)
data = bytearray(open('${street}', 'rb').read())
i = data.find(b'\\xff\\xc0')  # baseline SOF0: height and width follow the precision byte
data[i + 5:i + 9] = (10000).to_bytes(2, 'big') + (20000).to_bytes(2, 'big')
open('${forged}', 'wb').write(data)`]);
    const { context, page } = await open(browser, server.url);
    await waitReady(page);
    await page.setInputFiles('#file', big);
    await waitDepth(page, 'photo24mp.jpg');
    const heapMiB = await page.evaluate(() => Module.HEAPU8.buffer.byteLength / 1048576);
    const s = await state(page);
    check('24 MP photo: depth at full size', s.photo.width === 6000 && s.photo.height === 4000, `${s.photo.width}x${s.photo.height}`);
    check('24 MP photo: wasm heap high-water mark within 1 GB', heapMiB <= 1024, `${heapMiB.toFixed(0)} MiB`);
    console.log(`24 MP photo: wasm heap high-water mark ${heapMiB.toFixed(0)} MiB, photo -> relief ${s.open_to_relief_ms.toFixed(0)} ms`);
    await page.screenshot({ path: join(shots, '9_24mp.png') });
    await page.setInputFiles('#file', forged);
    await page.waitForFunction(() => depthview.state().error !== '', null, { timeout: 30000 });
    const e = (await state(page)).error;
    check('200 MP header refused before decoding, message in the UI', /20000x10000 \(200 MP\), more than the limit/.test(e), e);
    await page.screenshot({ path: join(shots, '10_refused.png') });
    check('the app stays up after the refusal', (await state(page)).has_depth && page.errors.length === 0, page.errors.join(' | '));
    await context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A model file the manifest does not list (FastDepth renamed), dropped on the canvas: it becomes
// the model and the status line says the assumptions made; a variant the site lacks, with the hub
// unreachable (?models= a port nothing listens on), is named with its file and what to do.
async function modelFile(browser, server) {
  const deadHub = `127.0.0.1:${await freePort()}`;
  const { context, page } = await open(browser, `${server.url}?models=http://${deadHub}`);
  await waitReady(page);
  await dropFile(page, join(shared, 'models/fastdepth.onnx'), 'my_depth.onnx');
  await waitFor(page, 'the dropped model loaded', () => {
    const s = depthview.state();
    return s.model_note !== '' && s.model_loaded && !s.busy;
  });
  let s = await state(page);
  const note = 'my_depth.onnx: not in the manifest; input 320x320 fixed from the file, mean/std assumed ImageNet ' +
    '(--mean/--std to change), output assumed inverse depth (--output to change)';
  check('a dropped model file becomes the model, its assumptions in the status line',
        s.model.endsWith('/my_depth.onnx') && s.model_note === note && s.status === note, `${s.model}: ${s.status}`);
  await page.setInputFiles('#file', street);
  await waitDepth(page, 'demo01.jpg');
  s = await state(page);
  check('and it runs on a photo', s.has_depth && s.error === '' && s.model_note === note, s.error);
  await page.evaluate(() => depthview.requestModel('depth-anything-v2-small', 'q4f16'));
  await waitFor(page, 'the variant refused', () => /not on this site/.test(document.getElementById('status').textContent));
  const text = await page.evaluate(() => document.getElementById('status').textContent);
  check('a variant the site lacks and the hub unreachable: its file named, what to do',
        text.startsWith(`Depth Anything V2 Small is not on this site (depth_anything_v2_small_q4f16.onnx) and cannot be downloaded: cannot reach ${deadHub} `) &&
        text.includes('put depth_anything_v2_small_q4f16.onnx into models/ next to the page'), text);
  check('no page errors with a model file', page.errors.length === 0, page.errors.join(' | '));
  await context.close();
}

async function dav2Timing(browser) {
  const seeded = join(root, 'build/models/dav2_small_seeded.onnx');
  const dir = mkdtempSync(join(tmpdir(), 'dv-e2e-models-'));
  try {
    copyFileSync(join(root, 'models/models.json'), join(dir, 'models.json'));
    symlinkSync(seeded, join(dir, 'depth_anything_v2_small.onnx'));
    const server = await startServer(root, ['--root', site, '--models', dir]);
    const { context, page } = await open(browser, server.url);
    await waitReady(page);
    await page.setInputFiles('#file', street);
    await waitDepth(page, 'demo01.jpg');
    const s = await state(page);
    console.log(`Depth Anything V2 Small (seeded) 518: photo -> depth -> first relief frame ${s.open_to_relief_ms.toFixed(0)} ms (goal 2500 ms); ${breakdown(s)}`);
    await page.screenshot({ path: join(shots, '8_dav2.png') });
    await context.close();
    server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const browser = await launchChromium();
const models = ['--models', join(root, 'models'), '--models', join(shared, 'models')];
const isolated = await startServer(root, ['--root', site, ...models]);
const plain = await startServer(root, ['--root', site, '--no-isolation', ...models]);
try {
  console.log(`Chromium ${browser.version()}`);
  await mainFlow(browser, isolated);
  await highDpi(browser, isolated);
  await notIsolated(browser, plain);
  await bigPhotos(browser, isolated);
  await modelFile(browser, isolated);
  await dav2Timing(browser);
} catch (e) {
  result.failures++;
  console.log(`FAIL: ${e.message}`);
} finally {
  isolated.stop();
  plain.stop();
  await browser.close();
}
console.log(`${result.failures} failure(s); screenshots in ${shots}`);
process.exit(result.failures ? 1 : 0);
