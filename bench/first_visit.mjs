// First visit vs second visit of the page when the site has no model: the page downloads the
// default variant (Depth Anything V2 Small fp16) from a stand-in hub throttled to --rate Mbit/s
// (tests/support/hub_server.mjs), keeps it, and runs a photo; the second visit (same browser
// profile) takes the model from Cache Storage. Prints navigation -> model ready -> first depth map
// for each. Timings are printed, never asserted.
//   node bench/first_visit.mjs [--rate 50] [--model build/models/variants/dav2_small_seeded_fp16.onnx]
// Needs scripts/site (build/site) and the model file (tests/tools/variant_models.sh makes it).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launchChromium, startServer } from '../tests/web/browser.mjs';
import { pinnedManifest, startHub } from '../tests/web/download_site.mjs';
import { state, waitDepth, waitReady } from '../tests/web/helpers.mjs';
import { parseOptions, root } from './common.mjs';

const options = { rate: '50', model: join(root, 'build/models/variants/dav2_small_seeded_fp16.onnx'), ...parseOptions() };
const photo = join(root, '../shared/photos/da2/demo01.jpg');
const file = 'depth_anything_v2_small_fp16.onnx';
if (!existsSync(options.model)) {
  console.error(`first_visit: ${options.model} not found (tests/tools/variant_models.sh makes it, or --model FILE)`);
  process.exit(1);
}

// One visit in `context`: navigation -> model ready -> photo -> first depth map, in ms (page
// time: performance.now() from navigation).
async function visit(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await waitReady(page);
  const ready = await page.evaluate(() => performance.now());
  await page.setInputFiles('#file', photo);
  await waitDepth(page, 'demo01.jpg');
  const depth = await page.evaluate(() => performance.now());
  const [download, runtime] = await page.evaluate(() => [depthview.lastDownload, depthview.readyMs]);
  const s = await state(page);
  await page.close();
  return { ready, depth, download, runtime, photoToRelief: s.open_to_relief_ms };
}

const f0 = (ms) => ms.toFixed(0);
function report(name, v) {
  const d = v.download;
  const got = d ? `model downloaded ${f0(d.startedAt)}-${f0(d.startedAt + d.ms)} ms (last byte at ${f0(d.startedAt + d.receivedMs)}, ` +
    `${(d.bytesFetched * 8 / d.receivedMs / 1000).toFixed(1)} Mbit/s; then sha256 and Cache Storage)` : 'model from Cache Storage';
  console.log(`${name}: wasm runtime ready ${f0(v.runtime)} ms, ${got}, model ready ${f0(v.ready)} ms, ` +
              `first depth map ${f0(v.depth)} ms after navigation (photo -> relief ${f0(v.photoToRelief)} ms)`);
}

const tmp = mkdtempSync(join(tmpdir(), 'dv-first-visit-'));
const hub = await startHub(tmp, { [file]: options.model }, ['--rate', options.rate]);
pinnedManifest(join(tmp, 'site'), { id: 'depth-anything-v2-small', variant: 'fp16', file, model: options.model, url: `${hub.url}${file}` });
const server = await startServer(root, ['--root', join(root, 'build/site'), '--models', join(tmp, 'site')]);
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const mb = (statSync(options.model).size / 1e6).toFixed(1);
  console.log(`Chromium ${browser.version()}; ${file} (${mb} MB, seeded weights) from a hub at ${options.rate} Mbit/s`);
  report('first visit', await visit(context, server.url));
  report('second visit', await visit(context, server.url));
  await context.close();
} finally {
  await browser.close();
  await server.stop();
  await hub.stop();
  rmSync(tmp, { recursive: true, force: true });
}
