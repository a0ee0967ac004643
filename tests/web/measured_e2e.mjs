// Measured depth in the web viewer (issue 18), end to end in headless Debian Chromium: the Pixel's
// Dynamic Depth photo and the iPhone's portrait HEIC say they carry depth and show camera, fused
// and error views and a metric point cloud; a TUM RGB-D pair (photo + 16-bit depth PNG picked
// together) fuses once its units are TUM and shows the error view with AbsRel / δ1.
// Screenshots: build/web-shots/measured/.
//   node tests/web/measured_e2e.mjs [--heic]   (--heic: the wasm build has libheif; its file must open)
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { launchChromium, startServer } from './browser.mjs';
import { check, open, result, state, waitDepth, waitFor, waitReady } from './helpers.mjs';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared');
const shots = join(root, 'build/web-shots/measured');
const heic = process.argv.includes('--heic');
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

const script = (page, text) => page.evaluate((t) => Module.ccall('dv_app_run_script', null, ['string'], [t]), text);
const frames = async (page, n) => { const f = await page.evaluate(() => depthview.frames); await page.waitForFunction((x) => depthview.frames > x, f + n); };
const measured = async (page) => (await state(page)).measured ?? {};
const shot = (page, name) => page.screenshot({ path: join(shots, name) });
const metrics = (m) => `AbsRel ${m.abs_rel?.toFixed(3)}, d1 ${m.delta1?.toFixed(3)}, ${m.valid_pixels} px; ${m.near?.toFixed(2)}..${m.far?.toFixed(2)}, ${m.ms?.toFixed(0)} ms`;
// Waits for a new result after a setting re-ran the model.
async function waitNewDepth(page, name, before) {
  await waitFor(page, `new depth of ${name}`, ([n, b]) => {
    const s = depthview.state();
    return !s.busy && s.has_depth && s.photo.name.endsWith(n) && s.depth_ms !== b && s.depth_frames > 1;
  }, [name, before]);
}

async function phonePhotos(page) {
  await page.setInputFiles('#file', join(shared, 'phone/pixel8_dynamic_depth_flowers.jpg'));
  await waitDepth(page, 'pixel8_dynamic_depth_flowers.jpg');
  let m = await measured(page);
  check('Pixel: the page says the photo carries camera depth', m.source?.startsWith('camera: Dynamic Depth'), m.source);
  check('Pixel: fused view, metric', m.view === 'fused' && m.metric === true, metrics(m));
  await shot(page, '1_pixel_fused.png');
  await script(page, 'set depth-view measured');
  await frames(page, 3);
  await shot(page, '2_pixel_camera.png');
  await script(page, 'set view points');
  await frames(page, 3);
  m = await measured(page);
  check('Pixel: metric point cloud (far/near of the camera depth)', m.far_ratio > 2 && Math.abs(m.far_ratio - m.far / m.near) < 0.05,
        `ratio ${m.far_ratio?.toFixed(2)}`);
  await shot(page, '3_pixel_points.png');
  await script(page, 'set view relief; set depth-view error');
  await frames(page, 3);
  await shot(page, '4_pixel_error.png');

  await page.setInputFiles('#file', join(shared, 'phone/iphone_portrait_pug.heic'));
  if (!heic) {
    await waitFor(page, 'HEIC refused', () => /HEIC support is not in this build/.test(depthview.state().error));
    console.log('note: this wasm build has no libheif: the iPhone HEIC is refused with its message (run with --heic once it has)');
    return;
  }
  await waitDepth(page, 'iphone_portrait_pug.heic');
  m = await measured(page);
  check('iPhone: HEIC depth image found', m.source?.startsWith('camera: HEIC depth image (uniform disparity)') && m.metric, m.source);
  await script(page, 'set depth-view fused; set view points');
  await frames(page, 3);
  await shot(page, '5_iphone_points.png');
  await script(page, 'set view relief');
}

async function rgbdPair(page) {
  const tum = join(shared, 'eval/slambook2/ch7');
  await page.setInputFiles('#file', [join(tum, '1_depth.png'), join(tum, '1.png')]);  // depth first: the order does not matter
  await waitDepth(page, '1.png');
  let s = await state(page);
  check('RGB-D pair: the depth file is the sensor', s.measured?.source?.startsWith('sensor: 1_depth.png'), s.measured?.source ?? s.error);
  await script(page, 'set sensor-preset tum');
  await waitNewDepth(page, '1.png', s.depth_ms);
  await script(page, 'set depth-view error');
  await frames(page, 3);
  const m = await measured(page);
  check('RGB-D pair: TUM units, error view with AbsRel and d1', m.source?.includes('TUM') && m.view === 'error' &&
        m.abs_rel > 0 && m.abs_rel < 0.5 && m.delta1 > 0.3, metrics(m));
  await shot(page, '6_tum_error.png');
}

const browser = await launchChromium();
const server = await startServer(root, ['--root', join(root, 'build/site'), '--models', join(root, 'models'), '--models', join(shared, 'models')]);
try {
  const { context, page } = await open(browser, server.url);
  await waitReady(page);
  await phonePhotos(page);
  await rgbdPair(page);
  check('no page errors', page.errors.length === 0, page.errors.join('; '));
  await context.close();
} catch (e) {
  result.failures++;
  console.log(`FAIL: ${e.message}`);
} finally {
  server.stop();
  await browser.close();
}
console.log(`${result.failures} failure(s); screenshots in ${shots}`);
process.exit(result.failures ? 1 : 0);
