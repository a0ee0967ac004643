// Photo -> depth -> first relief frame in the web viewer, timed in the page, several photos in a
// row (headless Debian Chromium via playwright-core, cross-origin isolated dev server).
//   node bench/web_photo_to_relief.mjs [--model fastdepth|dav2] [--photos N] [--int8] [--query '?x=y']
// Needs scripts/site (build/site) and ../shared; `source scripts/env.sh` first. dav2 uses the
// seeded Depth Anything V2 Small of build/models (made by the test suite's seed_models step).
// --int8 ticks the viewer's 'fast (int8)' mode first. Prints each photo's breakdown and the medians;
// a benchmark, not a test.
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { launchChromium, startServer } from '../tests/web/browser.mjs';

const { values: opts } = parseArgs({
  options: { model: { type: 'string' }, photos: { type: 'string' }, query: { type: 'string' }, int8: { type: 'boolean' } },
});
const model = opts.model ?? 'dav2';
const count = Number(opts.photos ?? 5);
const root = resolve(import.meta.dirname, '..');
const shared = resolve(root, '../shared');
const photos = ['photos/da2/demo01.jpg', 'photos/da2/demo02.jpg'].map((p) => join(shared, p));

const dir = mkdtempSync(join(tmpdir(), 'dv-bench-models-'));
copyFileSync(join(root, 'models/models.json'), join(dir, 'models.json'));
if (model === 'dav2') symlinkSync(join(root, 'build/models/dav2_small_seeded.onnx'), join(dir, 'depth_anything_v2_small.onnx'));
else symlinkSync(join(shared, 'models/fastdepth.onnx'), join(dir, 'fastdepth.onnx'));

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const browser = await launchChromium();
const server = await startServer(root, ['--root', join(root, 'build/site'), '--models', dir]);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url + (opts.query ?? ''));
  const ready = () => page.waitForFunction(() => /ready/.test(document.getElementById('status').textContent) &&
                                             depthview.state().model_loaded && !depthview.state().busy, null, { timeout: 180000 });
  await ready();
  if (opts.int8) {  // the checkbox's setting, through the viewer's script runner; the model reloads and warms up
    await page.evaluate(() => Module.ccall('dv_app_run_script', null, ['string'], ['set int8 1']));
    await page.waitForFunction(() => depthview.state().int8, null, { timeout: 10000 });
    await page.waitForTimeout(500);
    await ready();
  }
  const rows = [];
  for (let i = 0; i < count; i++) {
    const photo = photos[i % photos.length];
    const name = photo.split('/').pop();
    await page.setInputFiles('#file', photo);  // the photos alternate, so the name tells the new depth
    await page.waitForFunction((n) => {
      const s = depthview.state();
      return s.has_depth && s.photo.name.endsWith(n) && !s.busy && s.depth_frames > 1;
    }, name, { timeout: 180000 });
    await page.waitForTimeout(300);  // let the viewer settle between photos
    const s = await page.evaluate(() => depthview.state());
    rows.push(s);
    console.log(`${name}: photo -> relief ${s.open_to_relief_ms.toFixed(0)} ms (decode ${s.decode_ms.toFixed(0)}, model ${s.model_ms.toFixed(0)}, ` +
                `pre+post ${(s.depth_ms - s.decode_ms - s.model_ms).toFixed(0)}, upload ${s.upload_ms.toFixed(0)})`);
  }
  const m = (k) => median(rows.map((s) => s[k])).toFixed(0);
  console.log(`${model}${opts.int8 ? ' int8' : ''} median of ${count}: photo -> relief ${m('open_to_relief_ms')} ms, model ${m('model_ms')} ms, depth ${m('depth_ms')} ms ` +
              `(build ${await page.evaluate(() => depthview.build)}, ` +
              `GL "${rows.at(-1).gl_renderer}", software GL ${rows.at(-1).software_gl})`);
  await context.close();
} finally {
  server.stop();
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
