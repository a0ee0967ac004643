// Phones and tablets in headless Debian Chromium (playwright-core device descriptors): the compact
// layout (a sheet along the bottom in portrait, the right side in landscape) leaves most of the
// screen to the 3D view, no panel covers another or the page's own boxes, nothing is clipped,
// targets are thumb-sized; touch orbits, pinches, pans and double-tap resets; a device's memory
// (navigator.deviceMemory) picks the model setup, and a browser refusing more memory makes the
// viewer step down to a smaller one with a note. Prints the wasm heap high-water marks.
// Screenshots: build/web-shots/phone/.
//   node tests/web/phone_e2e.mjs   (after scripts/site and tests/tools/seed_models.sh; needs ../shared)
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { devices, launchChromium, startServer } from './browser.mjs';
import { check, drag, open, result, state, waitFor, waitReady } from './helpers.mjs';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared');
const site = join(root, 'build/site');
const shots = join(root, 'build/web-shots/phone');
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });
const street = join(shared, 'photos/da2/demo01.jpg');
const flowers = join(shared, 'phone/pixel8_dynamic_depth_flowers.jpg');
const seeded = join(root, 'build/models/dav2_small_any_size_seeded.onnx');  // tests/tools/seed_models.sh

const script = (page, text) => page.evaluate((t) => Module.ccall('dv_app_run_script', null, ['string'], [t]), text);
const heapMiB = (page) => page.evaluate(() => Module.HEAPU8.buffer.byteLength / 1048576);
const frames = async (page, n = 2) => {
  const f = await page.evaluate(() => depthview.frames);
  await page.waitForFunction(([f0, k]) => depthview.frames >= f0 + k, [f, n], { timeout: 60000 });
};

// navigator.deviceMemory as a phone's browser reports it (GB); before the page's scripts run.
const memory = (gb) => (context, page) =>
  page.addInitScript((g) => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => g }), gb);
const device = (name) => ({ ...devices[name], acceptDownloads: true });

// The depth of `name` shown (or an error, so a failure says so at once); the single build may take
// a minute per try on this machine.
const waitDepth = (page, name, timeout = 300000) => waitFor(page, `depth of ${name}`, (n) => {
  const s = depthview.state();
  return s.error !== '' || (s.has_depth && s.depth_frames > 1 && s.photo.name.endsWith(n) && !s.busy);
}, name, timeout);

// Geometry, in framebuffer pixels.
const inside = (r, x, y) => x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
const meet = (a, b, slack = 0.5) => a.x + slack < b.x + b.w && b.x + slack < a.x + a.w && a.y + slack < b.y + b.h && b.y + slack < a.y + a.h;
const fmt = (r) => `${r.x.toFixed(0)},${r.y.toFixed(0)} ${r.w.toFixed(0)}x${r.h.toFixed(0)}`;

// The share of the screen where the 3D view shows: in layout.view and under no panel (a 300x300 grid).
function visibleShare(layout) {
  const [w, h] = layout.display, n = 300;
  let seen = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = ((i + 0.5) * w) / n, y = ((j + 0.5) * h) / n;
      if (inside(layout.view, x, y) && !layout.windows.some((win) => inside(win.rect, x, y))) seen++;
    }
  }
  return seen / (n * n);
}

// A point of the 3D view under no panel, nearest the view's centre, in CSS pixels (`room`: CSS
// pixels that must be free on each side horizontally).
function freePoint(layout, dpr, room = 0) {
  const v = layout.view, free = (x, y) => inside(v, x, y) && !layout.windows.some((win) => inside(win.rect, x, y));
  const cx = v.x + v.w / 2, cy = v.y + v.h / 2;
  let best = null;
  for (let i = 0; i <= 40; i++) {
    for (let j = 0; j <= 40; j++) {
      const x = v.x + (v.w * i) / 40, y = v.y + (v.h * j) / 40;
      if (![-room, 0, room].every((dx) => free(x + dx * dpr, y))) continue;
      const d = Math.hypot(x - cx, y - cy);
      if (!best || d < best.d) best = { x, y, d };
    }
  }
  return best ? { x: best.x / dpr, y: best.y / dpr } : { x: cx / dpr, y: cy / dpr };
}

// The page's own fixed boxes that are on screen now, in framebuffer pixels.
const pageBoxes = (page) => page.evaluate(() => {
  const $ = (id) => document.getElementById(id);
  const shown = [];
  if (!$('overlay').classList.contains('hidden')) shown.push(['#overlay .box', document.querySelector('#overlay .box')]);
  if (getComputedStyle($('notice')).display !== 'none') shown.push(['#notice', $('notice')]);
  if (!$('stored').hidden) shown.push(['#stored', $('stored')]);
  if (!$('download').hidden) shown.push(['#download', $('download')]);
  const k = devicePixelRatio;
  return shown.map(([name, el]) => {
    const r = el.getBoundingClientRect();
    return { name, rect: { x: r.x * k, y: r.y * k, w: r.width * k, h: r.height * k } };
  }).filter((b) => b.rect.w > 0 && b.rect.h > 0);
});

async function checkPageBoxes(label, page, layout) {
  const boxes = await pageBoxes(page);
  const hits = [];
  for (const b of boxes) for (const w of layout.windows) if (meet(b.rect, w.rect)) hits.push(`${b.name} ${fmt(b.rect)} on ${w.name} ${fmt(w.rect)}`);
  check(`${label}: the page's boxes clear of the panels`, hits.length === 0,
        hits.length ? hits.join('; ') : boxes.map((b) => `${b.name} ${fmt(b.rect)}`).join(', ') || 'none shown');
  const apart = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) if (meet(boxes[i].rect, boxes[j].rect)) apart.push(`${boxes[i].name} ${fmt(boxes[i].rect)} / ${boxes[j].name} ${fmt(boxes[j].rect)}`);
  if (boxes.length > 1) check(`${label}: the page's boxes clear of each other`, apart.length === 0, apart.join('; ') || `${boxes.length} boxes`);
}

// The checks every screen gets: most of it is 3D view, panels apart, nothing clipped, page boxes clear.
// `touchScreen`: the device's main pointer is a finger (the page's matchMedia), so targets must be thumb-sized.
async function geometry(label, page, s, touchScreen, least = 0.6) {
  const l = s.layout;
  const share = visibleShare(l);
  check(`${label}: the 3D view shows on >= ${least * 100} % of the screen`, share >= least,
        `${(share * 100).toFixed(0)} %; view ${fmt(l.view)} of ${l.display.join('x')}; ${l.windows.map((w) => `${w.name} ${fmt(w.rect)}`).join(', ')}`);
  const pairs = [];
  for (let i = 0; i < l.windows.length; i++)
    for (let j = i + 1; j < l.windows.length; j++)
      if (meet(l.windows[i].rect, l.windows[j].rect)) pairs.push(`${l.windows[i].name} / ${l.windows[j].name}`);
  check(`${label}: no two panels overlap`, pairs.length === 0, pairs.join(', ') || `${l.windows.length} panels`);
  const clipped = l.windows.filter((w) => w.overflow_x).map((w) => w.name);
  check(`${label}: nothing runs past a panel's right edge`, clipped.length === 0, clipped.join(', '));
  await checkPageBoxes(label, page, l);
  if (touchScreen) check(`${label}: buttons and sliders at least 44 CSS px high`, l.frame_height_css >= 44, `${l.frame_height_css.toFixed(1)} px`);
}

// Touches through CDP (CSS pixels), one move per rendered frame.
const touch = (cdp, type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
async function fingers(cdp, page, from, to, steps = 10) {
  await touch(cdp, 'touchStart', from);
  await frames(page);
  for (let i = 1; i <= steps; i++) {
    const f = await page.evaluate(() => depthview.frames);
    await touch(cdp, 'touchMove', from.map(([x, y], k) => [x + ((to[k][0] - x) * i) / steps, y + ((to[k][1] - y) * i) / steps]));
    await page.waitForFunction((f0) => depthview.frames > f0 + 1, f);
  }
  await touch(cdp, 'touchEnd', []);
  await frames(page);
}

async function openPhoto(page, path, name, input = '#file-photo', timeout = 300000) {
  await page.setInputFiles(input, path);
  await waitDepth(page, name, timeout);
  const s = await state(page);
  if (s.error) throw new Error(`depth of ${name}: error "${s.error}"; status "${s.status}"`);
  return s;
}

// A. The phone: portrait, 4 GB, touch gestures, the sheet hidden.
async function pixel7Portrait(browser, server) {
  const label = 'Pixel 7 portrait';
  const { context, page } = await open(browser, server.url, device('Pixel 7'), memory(4));
  await waitReady(page);
  let s = await state(page);
  check(`${label}: portrait layout, touch screen`, s.layout.mode === 'portrait' && s.layout.touch === true,
        `${s.layout.mode}, touch ${s.layout.touch}, display ${s.layout.display.join('x')}, scale ${s.layout.scale}, sheet ${s.layout.sheet}`);
  const inputs = await page.evaluate(() => ['file-photo', 'file-camera'].map((id) => {
    const e = document.getElementById(id);
    return [e.getAttribute('accept'), e.getAttribute('capture')];
  }));
  check(`${label}: the gallery and camera inputs`, inputs[0][0] === 'image/*' && inputs[0][1] === null &&
        inputs[1][0] === 'image/*' && inputs[1][1] === 'environment', JSON.stringify(inputs));
  await checkPageBoxes(`${label} before a photo`, page, s.layout);

  s = await openPhoto(page, flowers, 'pixel8_dynamic_depth_flowers.jpg');
  const heap = await heapMiB(page);
  check(`${label}: depth of the phone photo`, s.has_depth, `${s.photo.width}x${s.photo.height}`);
  check(`${label}: 4 GB picks the quantized variant`, s.setup.variant === 'quantized', JSON.stringify(s.setup));
  console.log(`phone default (Pixel 7, 4 GB: ${s.setup.variant} at ${s.setup.input_size}): wasm heap high-water mark ${heap.toFixed(0)} MiB`);
  check(`${label}: wasm heap high-water mark under 1 GB`, heap < 1024, `${heap.toFixed(0)} MiB`);
  await page.screenshot({ path: join(shots, '1_pixel7_portrait.png') });
  await geometry(label, page, s, true);

  const cdp = await context.newCDPSession(page);
  const dpr = await page.evaluate(() => devicePixelRatio);
  const c = freePoint(s.layout, dpr, 130);
  const yaw0 = s.yaw, pitch0 = s.pitch, home = s.distance;  // the photo fitted to the view
  await fingers(cdp, page, [[c.x - 100, c.y - 20]], [[c.x + 100, c.y + 20]]);
  s = await state(page);
  check(`${label}: one finger orbits`, Math.abs(s.yaw - yaw0) > 0.3, `yaw ${yaw0.toFixed(2)} -> ${s.yaw.toFixed(2)}, pitch ${pitch0.toFixed(2)} -> ${s.pitch.toFixed(2)} (from ${c.x.toFixed(0)},${c.y.toFixed(0)} CSS px)`);
  await page.screenshot({ path: join(shots, '2_pixel7_orbit.png') });

  const d0 = s.distance;
  await fingers(cdp, page, [[c.x - 40, c.y], [c.x + 40, c.y]], [[c.x - 120, c.y], [c.x + 120, c.y]]);
  s = await state(page);
  check(`${label}: two fingers spreading zoom in`, s.distance < 0.7 * d0, `distance ${d0.toFixed(3)} -> ${s.distance.toFixed(3)}`);

  const pan0 = s.pan, yaw1 = s.yaw, d1 = s.distance;
  await fingers(cdp, page, [[c.x - 60, c.y - 40], [c.x + 60, c.y - 40]], [[c.x - 60, c.y + 60], [c.x + 60, c.y + 60]]);
  s = await state(page);
  const moved = Math.hypot(s.pan[0] - pan0[0], s.pan[1] - pan0[1]);
  check(`${label}: two fingers moving together pan`, moved > 1e-3,
        `pan ${pan0.map((v) => v.toFixed(3))} -> ${s.pan.map((v) => v.toFixed(3))}, yaw ${yaw1.toFixed(2)} -> ${s.yaw.toFixed(2)}, distance ${d1.toFixed(3)} -> ${s.distance.toFixed(3)}`);

  // The two taps sent at once: here a CDP touch waits for a frame (~150 ms with the photo in
  // software WebGL), so taps sent one by one come out longer and further apart than a finger's.
  // The page's event times are printed with the result.
  await page.evaluate(() => {
    globalThis.tapTimes = [];
    for (const type of ['touchstart', 'touchend']) Module.canvas.addEventListener(type, () => tapTimes.push(performance.now()));
  });
  await Promise.all([touch(cdp, 'touchStart', [[c.x, c.y]]), touch(cdp, 'touchEnd', []),
                     touch(cdp, 'touchStart', [[c.x, c.y]]), touch(cdp, 'touchEnd', [])]);
  await frames(page, 3);
  s = await state(page);
  const t = await page.evaluate(() => tapTimes);
  const near = (a, b) => Math.abs(a - b) < 1e-3;
  check(`${label}: a double tap resets the view`, near(s.yaw, 0) && near(s.pitch, 0) && near(s.distance, home) && near(s.pan[0], 0) && near(s.pan[1], 0),
        `yaw ${s.yaw.toFixed(4)}, pitch ${s.pitch.toFixed(4)}, distance ${s.distance.toFixed(4)}, pan ${s.pan.map((v) => v.toFixed(4))}; ` +
        `taps ${(t[1] - t[0]).toFixed(0)} and ${(t[3] - t[2]).toFixed(0)} ms long, ${(t[2] - t[1]).toFixed(0)} ms apart`);

  await script(page, 'sheet hide');
  await frames(page, 3);
  s = await state(page);
  const share = visibleShare(s.layout);
  check(`${label}: the sheet hidden, the 3D view shows on >= 90 % of the screen`, s.layout.sheet === 'closed' && share >= 0.9,
        `sheet ${s.layout.sheet}, ${(share * 100).toFixed(0)} %; ${s.layout.windows.map((w) => `${w.name} ${fmt(w.rect)}`).join(', ')}`);
  await page.screenshot({ path: join(shots, '3_pixel7_hidden.png') });
  check(`${label}: no page errors`, page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

// B. The phone turned: the sheet on the right.
async function pixel7Landscape(browser, server) {
  const label = 'Pixel 7 landscape';
  const { context, page } = await open(browser, server.url, device('Pixel 7 landscape'), memory(4));
  await waitReady(page);
  let s = await state(page);
  check(`${label}: landscape layout`, s.layout.mode === 'landscape', `${s.layout.mode}, display ${s.layout.display.join('x')}`);
  await checkPageBoxes(`${label} before a photo`, page, s.layout);
  s = await openPhoto(page, street, 'demo01.jpg');
  await geometry(label, page, s, true);
  const cdp = await context.newCDPSession(page);
  const c = freePoint(s.layout, await page.evaluate(() => devicePixelRatio), 110);
  const yaw0 = s.yaw;
  await fingers(cdp, page, [[c.x - 100, c.y]], [[c.x + 100, c.y + 20]]);
  s = await state(page);
  check(`${label}: one finger orbits`, Math.abs(s.yaw - yaw0) > 0.3, `yaw ${yaw0.toFixed(2)} -> ${s.yaw.toFixed(2)}`);
  await page.screenshot({ path: join(shots, '4_pixel7_landscape.png') });
  check(`${label}: no page errors`, page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

// C. A small tablet, portrait.
async function iPadMini(browser, server) {
  const label = 'iPad Mini';
  const { context, page } = await open(browser, server.url, device('iPad Mini'));
  await waitReady(page);
  let s = await state(page);
  check(`${label}: portrait layout`, s.layout.mode === 'portrait', `${s.layout.mode}, touch ${s.layout.touch}, display ${s.layout.display.join('x')}`);
  await checkPageBoxes(`${label} before a photo`, page, s.layout);
  s = await openPhoto(page, street, 'demo01.jpg');
  await geometry(label, page, s, true);
  await page.screenshot({ path: join(shots, '5_ipad_mini.png') });
  check(`${label}: no page errors`, page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

// D. A desktop window: the two floating panels, the mouse.
async function desktop(browser, server) {
  const label = 'desktop 1280x800';
  const { context, page } = await open(browser, server.url);
  await waitReady(page);
  let s = await state(page);
  check(`${label}: wide layout, no touch`, s.layout.mode === 'wide' && s.layout.touch === false, `${s.layout.mode}, touch ${s.layout.touch}`);
  s = await openPhoto(page, street, 'demo01.jpg', '#file');
  check(`${label}: fp16 at 518`, s.setup.variant === 'fp16' && s.setup.input_size === 518, JSON.stringify(s.setup));
  await geometry(label, page, s, false);
  const from = { x: 560, y: 400 }, to = { x: 800, y: 440 };
  const free = (p) => inside(s.layout.view, p.x, p.y) && !s.layout.windows.some((w) => inside(w.rect, p.x, p.y));
  const yaw0 = s.yaw;
  await drag(page, from, to);
  const after = await state(page);
  check(`${label}: a mouse drag on the view orbits`, Math.abs(after.yaw - yaw0) > 0.3,
        `yaw ${yaw0.toFixed(2)} -> ${after.yaw.toFixed(2)}; start on the view: ${free(from)}`);
  await page.screenshot({ path: join(shots, '6_desktop.png') });
  check(`${label}: no page errors`, page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

// E. The single-threaded build (no cross-origin isolation) on the phone: its notice clear of the sheet.
async function pixel7Single(browser, plain) {
  const label = 'Pixel 7 single-threaded';
  const { context, page } = await open(browser, `${plain.url}?no-sw`, device('Pixel 7'), memory(4));
  await waitReady(page);
  check(`${label}: the single-threaded build`, (await page.evaluate(() => depthview.build)) === 'single');
  let s = await state(page);
  check(`${label}: portrait layout`, s.layout.mode === 'portrait', s.layout.mode);
  check(`${label}: the notice is shown`, await page.isVisible('#notice'), await page.textContent('#notice'));
  await checkPageBoxes(`${label} before a photo`, page, s.layout);
  s = await openPhoto(page, street, 'demo01.jpg');
  check(`${label}: depth works`, s.has_depth, `${s.setup.variant} at ${s.setup.input_size}`);
  await geometry(label, page, s, true);
  await page.screenshot({ path: join(shots, '7_pixel7_single.png') });
  check(`${label}: no page errors`, page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

// F0. What the single build's heap reaches on a Pixel 7 saying 8 GB (fp16 at 518), the street
// photo; `commands`: a script run once the model is ready (e.g. another input size).
async function heapFor(browser, plain, commands = '') {
  const { context, page } = await open(browser, `${plain.url}?no-sw`, device('Pixel 7'), memory(8));
  await waitReady(page);
  if (commands) await script(page, commands);
  const s = await openPhoto(page, street, 'demo01.jpg');
  const heap = await heapMiB(page);
  await context.close();
  return { heap, setup: s.setup };
}

// F. A browser that refuses to grow the heap past a limit (as a phone's does): the viewer steps
// down to a leaner setup, says so, and shows depth.
async function memoryFallback(browser, plain) {
  const label = 'memory fallback';
  const big = await heapFor(browser, plain);
  const small = await heapFor(browser, plain, 'set size 308');
  console.log(`single build, Pixel 7: wasm heap high-water mark ${big.heap.toFixed(0)} MiB with ${big.setup.variant} at ${big.setup.input_size}, ` +
              `${small.heap.toFixed(0)} MiB with ${small.setup.variant} at ${small.setup.input_size}`);
  check(`${label}: 8 GB runs fp16 at 518, and at 308 when asked`, big.setup.variant === 'fp16' && big.setup.input_size === 518 && small.setup.input_size === 308,
        `${JSON.stringify(big.setup)} / ${JSON.stringify(small.setup)}`);
  check(`${label}: 518 needs more heap than 308`, big.heap > small.heap + 8, `${big.heap.toFixed(0)} vs ${small.heap.toFixed(0)} MiB`);
  const limit = Math.floor(((big.heap + small.heap) / 2) * 16) * 65536;  // MiB -> bytes, whole wasm pages
  console.log(`${label}: the heap may grow to ${(limit / 1048576).toFixed(0)} MiB`);

  const { context, page } = await open(browser, `${plain.url}?no-sw`, device('Pixel 7'), async (c, p) => {
    await memory(8)(c, p);
    await p.addInitScript((LIMIT) => {
      const grow = WebAssembly.Memory.prototype.grow;
      WebAssembly.Memory.prototype.grow = function (pages) {
        if (this.buffer.byteLength + pages * 65536 > LIMIT) throw new RangeError('test: no more memory');
        return grow.call(this, pages);
      };
    }, limit);
  });
  await waitReady(page);
  await page.setInputFiles('#file-photo', street);
  await waitFor(page, 'depth after a step down', () => {
    const s = depthview.state();
    return s.error !== '' || (s.has_depth && s.depth_frames > 1 && s.photo.name.endsWith('demo01.jpg') && !s.busy);
  }, undefined, 300000);
  const s = await state(page);
  const heap = await heapMiB(page);
  console.log(`${label}: note "${s.setup.note}"; setup ${JSON.stringify(s.setup)}; status "${s.status}"; heap ${heap.toFixed(0)} MiB`);
  check(`${label}: depth shown`, s.has_depth, `error "${s.error}"`);
  check(`${label}: stepped down`, s.setup.stepped_down === true, JSON.stringify(s.setup));
  check(`${label}: the note says why`, /Not enough memory/.test(s.setup.note), s.setup.note);
  check(`${label}: no error`, s.error === '', s.error);
  check(`${label}: the heap stayed under the limit`, heap * 1048576 <= limit, `${heap.toFixed(0)} MiB`);
  // The note is drawn on both tabs (with the model and with the depth map) while the sheet is open.
  check(`${label}: the note in the status line or on the open sheet`, s.status === s.setup.note || ['controls', 'depth'].includes(s.layout.sheet),
        `status "${s.status}", sheet ${s.layout.sheet}`);
  await page.screenshot({ path: join(shots, '8_memory_fallback.png') });
  check(`${label}: no page errors`, page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

const dir = mkdtempSync(join(tmpdir(), 'dv-phone-models-'));
copyFileSync(join(root, 'models/models.json'), join(dir, 'models.json'));
for (const name of ['depth_anything_v2_small_fp16.onnx', 'depth_anything_v2_small_quantized.onnx']) symlinkSync(seeded, join(dir, name));
const browser = await launchChromium();
const isolated = await startServer(root, ['--root', site, '--models', dir]);
const plain = await startServer(root, ['--root', site, '--no-isolation', '--models', dir]);
try {
  console.log(`Chromium ${browser.version()}`);
  for (const run of [pixel7Portrait, pixel7Landscape, iPadMini, desktop]) {
    try {
      await run(browser, isolated);
    } catch (e) {
      result.failures++;
      console.log(`FAIL: ${run.name}: ${e.message}`);
      for (const c of browser.contexts()) await c.close();  // a page left running would slow the next case
    }
  }
  for (const run of [pixel7Single, memoryFallback]) {
    try {
      await run(browser, plain);
    } catch (e) {
      result.failures++;
      console.log(`FAIL: ${run.name}: ${e.message}`);
      for (const c of browser.contexts()) await c.close();  // a page left running would slow the next case
    }
  }
} catch (e) {
  result.failures++;
  console.log(`FAIL: ${e.message}`);
} finally {
  isolated.stop();
  plain.stop();
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${result.failures} failure(s); screenshots in ${shots}`);
process.exit(result.failures ? 1 : 0);
