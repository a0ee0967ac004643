// Stress check for the viewer's model preload (not part of the test command): loads the page N
// times, alternately in a fresh browser context and by a reload, waits each time for the model to
// be ready, and counts the loads that do not get there within a timeout (printing the viewer's
// state for each).
//   node tests/web/reload_stress.mjs [--runs 20] [--timeout 30000]   (after scripts/site)
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { launchChromium, startServer } from './browser.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, timeout: { type: 'string', default: '30000' } } });
const root = resolve(import.meta.dirname, '../..');
const server = await startServer(root, ['--root', join(root, 'build/site'), '--models', join(root, 'models'),
  '--models', join(root, '../shared/models')]);
const browser = await launchChromium();
let context = null, page = null;
const ready = () => /ready/.test(document.getElementById('status').textContent) && depthview.state().model_loaded && !depthview.state().busy;
let hangs = 0;
const times = [];
for (let i = 0; i < Number(values.runs); i++) {
  const t0 = Date.now();
  if (i % 2 === 0) {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await page.goto(server.url);
  } else {
    await page.reload();
  }
  try {
    await page.waitForFunction(ready, null, { timeout: Number(values.timeout) });
    times.push(Date.now() - t0);
  } catch {
    hangs++;
    const state = await page.evaluate(() => globalThis.Module?._dv_app_state ? JSON.stringify(depthview.state()) : 'no module');
    console.log(`load ${i + 1}: not ready after ${values.timeout} ms; status "${await page.textContent('#status')}", state ${state}`);
  }
}
times.sort((a, b) => a - b);
console.log(`${values.runs} loads, ${hangs} never ready; median load-to-ready ${times[times.length >> 1] ?? '-'} ms`);
await browser.close();
server.stop();
process.exit(hangs ? 1 : 0);
