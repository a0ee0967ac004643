// Live depth from the webcam in the web viewer: headless Debian Chromium with a fake camera that
// plays a clip (../shared/video/davis_rollercoaster.mp4 as a .y4m), the viewer at N threads, for
// FastDepth, MiDaS v2.1 small (fp32 and the int8 mode) and Depth Anything V2 Small (int8 mode) at
// short side 266. Prints per model: depth frames/s, frames in, dropped frames, and the viewer's
// frame draw time (state().frame_stats, max_frame_draw_ms_during_inference).
//   node bench/web_video_fps.mjs [--threads 2] [--seconds 10] [--warmup 3] [--side 266]
//                                [--models fastdepth,midas,midas-int8,dav2-int8] [--fake-wasm]
// Needs scripts/site (build/site), ../shared and build/models (seeded MiDaS and Depth Anything V2:
// tests/tools/seed_models.sh, run by the test suite); `source scripts/env.sh` first. Where the wasm
// build lacks the video entry points (dv_app_video_*), the JS stand-ins of tests/web/video_stub.js
// answer (numbers marked "stand-in": they time the page's half only). A benchmark, not a test.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { launchChromium, startServer } from '../tests/web/browser.mjs';
import { fakeSite, installStubs, prepareVideoPage } from '../tests/web/video_support.mjs';

const { values: opts } = parseArgs({
  options: { threads: { type: 'string' }, seconds: { type: 'string' }, warmup: { type: 'string' }, side: { type: 'string' },
             models: { type: 'string' }, 'fake-wasm': { type: 'boolean' } },
});
const threads = Number(opts.threads ?? 2), seconds = Number(opts.seconds ?? 10), warmup = Number(opts.warmup ?? 3);
const side = Number(opts.side ?? 266);
const fakeWasm = !!opts['fake-wasm'];
const root = resolve(import.meta.dirname, '..');
const shared = resolve(root, '../shared');
const seeded = join(root, 'build/models');

// id: the manifest's; file: the name the page looks for, and where it comes from here.
const configs = {
  fastdepth: { id: 'fastdepth', label: 'FastDepth', file: 'fastdepth.onnx', from: join(shared, 'models/fastdepth.onnx'), int8: false },
  midas: { id: 'midas-v21-small', label: 'MiDaS v2.1 small fp32', file: 'midas_v21_small_256.onnx', from: join(seeded, 'midas_small_seeded.onnx'), int8: false },
  'midas-int8': { id: 'midas-v21-small', label: 'MiDaS v2.1 small int8', file: 'midas_v21_small_256.onnx', from: join(seeded, 'midas_small_seeded.onnx'), int8: true },
  'dav2-int8': { id: 'depth-anything-v2-small', label: `Depth Anything V2 Small int8, short side ${side}`, file: 'depth_anything_v2_small_dynamic.onnx',
                 from: join(seeded, 'dav2_small_any_size_seeded.onnx'), int8: true, side },
};
const chosen = (opts.models ?? 'fastdepth,midas,midas-int8,dav2-int8').split(',');

const dir = mkdtempSync(join(tmpdir(), 'dv-bench-video-'));
const y4m = join(dir, 'camera.y4m');
execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', join(shared, 'video/davis_rollercoaster.mp4'), '-pix_fmt', 'yuv420p', y4m]);
const site = fakeWasm ? fakeSite(dir) : join(root, 'build/site');
const browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`]);
console.log(`Chromium ${browser.version()}, ${threads} threads, camera: the clip as a ${y4m.split('/').pop()} (960x540), ${warmup} s warm-up, ${seconds} s measured`);
const manifest = JSON.parse(readFileSync(join(root, 'models/models.json'), 'utf8'));

try {
  for (const key of chosen) {
    const c = configs[key];
    if (!c) { console.log(`${key}: unknown (one of ${Object.keys(configs).join(', ')})`); continue; }
    if (!existsSync(c.from)) { console.log(`${c.label}: skipped, ${c.from} not found (run tests/tools/seed_models.sh ../shared/models build/models)`); continue; }
    // A models folder with only this model, first in the preference: the page loads it at once.
    const models = join(dir, `models-${key}`);
    rmSync(models, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', models]);
    writeFileSync(join(models, 'models.json'), JSON.stringify({ ...manifest, preference: [c.id, ...manifest.preference.filter((p) => p !== c.id)] }));
    symlinkSync(c.from, join(models, c.file));
    const server = await startServer(root, ['--root', site, '--models', models]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }), threads);
      await prepareVideoPage(page, fakeWasm);
      await page.goto(server.url);
      const ready = () => page.waitForFunction(() => /ready/.test(document.getElementById('status').textContent) &&
                                                 depthview.state().model_loaded && !depthview.state().busy, null, { timeout: 300000 });
      await ready();
      const stub = await installStubs(page);
      const script = (s) => page.evaluate((t) => Module.ccall('dv_app_run_script', null, ['string'], [t]), s);
      if (c.int8) {
        await script('set int8 1');
        await page.waitForTimeout(500);
        await ready();
      }
      // The viewer's input size for video (short side); a build that lacks the setting says so.
      if (c.side) await script(`set size ${c.side}`);
      await page.evaluate(() => depthview.videoCommand('camera'));
      await page.waitForFunction(() => depthview.state().video?.mode === 'camera' && depthview.state().video.frames_depth > 0, null, { timeout: 300000 });
      await page.waitForTimeout(warmup * 1000);
      const a = await page.evaluate(() => ({ t: performance.now(), ...depthview.state() }));
      await page.waitForTimeout(seconds * 1000);
      const b = await page.evaluate(() => ({ t: performance.now(), ...depthview.state() }));
      const dt = (b.t - a.t) / 1000;
      const d = (k) => b.video[k] - a.video[k];
      const fps = d('frames_depth') / dt;
      const page_ms = await page.evaluate(() => { const p = depthview.media.player; return p ? p.copyMs / Math.max(1, p.framesSent) : NaN; });
      const note = b.error ? `; viewer error "${b.error}"` : '';
      console.log(`${c.label}${stub ? ' (stand-in viewer)' : ''}: ${fps.toFixed(2)} depth frames/s (viewer says ${Number(b.video.depth_fps).toFixed(2)}), ` +
                  `${(d('frames_in') / dt).toFixed(1)} frames/s in, ${d('dropped')} dropped of ${d('frames_in')}, page ${page_ms.toFixed(1)} ms a frame (draw, read back, hand over), ` +
                  `frame draw: ${b.frame_stats || 'n/a'}, max during inference ${Number(b.max_frame_draw_ms_during_inference ?? NaN).toFixed(1)} ms ` +
                  `(int8 ${b.int8}, build ${await page.evaluate(() => depthview.build)}, GL "${b.gl_renderer ?? ''}")${note}`);
      await page.evaluate(() => depthview.videoCommand('close'));
    } catch (e) {
      console.log(`${c.label}: failed: ${e.message.split('\n')[0]}`);
    } finally {
      await context.close();
      await server.stop();
    }
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
