// The 3D photo's exports in the web viewer (issue 19), headless Debian Chromium: a parallax MP4
// encoded by the page with WebCodecs (ffprobe: frame count, size), a keyframed animated WebP made
// in the wasm (PIL: frames and durations), a side-by-side video cancelled half way (nothing is
// downloaded, the viewer hears it), and the layered GLB and a stereo image from Export as
// downloads. Prints the frames/s of the page's parallax render + encode. Screenshots and files:
// build/web-shots/parallax/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { launchChromium, startServer } from './browser.mjs';
import { check, open, result, state, waitDepth, waitFor, waitReady } from './helpers.mjs';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared');
const shots = join(root, 'build/web-shots/parallax');
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

const script = (page, text) => page.evaluate((t) => Module.ccall('dv_app_run_script', null, ['string'], [t]), text);
const parallax = async (page) => (await state(page)).parallax ?? {};
const ffprobe = (file) => execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries',
  'stream=nb_read_frames,width,height,codec_name', '-of', 'json', file], { encoding: 'utf8' });

// Runs `command` and saves what the page downloads.
async function download(page, command, timeout = 240000) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout }), script(page, command)]);
  const saved = join(shots, d.suggestedFilename());
  await d.saveAs(saved);
  return saved;
}

async function videos(page) {
  await script(page, 'set parallax-seconds 2; set parallax-fps 15; set parallax-size 480; set parallax-path circle');
  const started = Date.now();
  const mp4 = await download(page, 'export-parallax parallax-mp4');
  const seconds = (Date.now() - started) / 1000;
  const s = JSON.parse(ffprobe(mp4)).streams[0];
  const record = await page.evaluate(() => depthview.parallax);
  check('parallax MP4 from the page: 30 frames, 480 on the longer side', Number(s.nb_read_frames) === 30 &&
        Math.max(s.width, s.height) === 480 && /\.(mp4|webm)$/.test(mp4), `${mp4}: ${s.codec_name} ${s.width}x${s.height}, ${s.nb_read_frames} frames`);
  check('the viewer heard it was done', (await parallax(page)).outcome === 'done' && record.state === 'done', JSON.stringify(record));
  console.log(`page parallax render + encode: 30 frames of ${s.width}x${s.height} in ${seconds.toFixed(1)} s (${(30 / seconds).toFixed(1)} frames/s, ${record.codec})`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', mp4, '-vf', 'select=eq(n\\,8)', '-frames:v', '1', join(shots, 'mp4_frame8.png')]);

  await script(page, 'set parallax-path keyframes; set parallax-keys 0:-0.1,0,0 0.5:0.1,0.05,0.3 1:0,0,0');
  const webp = await download(page, 'export-parallax parallax-webp');
  const pil = execFileSync('/usr/bin/python3', ['-c', `
from PIL import Image
im = Image.open(${JSON.stringify(webp)}); total = 0
for i in range(im.n_frames):
    im.seek(i); im.load(); total += im.info["duration"]
print(im.format, im.is_animated, im.n_frames, total)`], { encoding: 'utf8' }).trim();
  const [format, animated, n, total] = pil.split(' ');
  check('keyframed animated WebP made in the wasm: PIL reads 2 s of frames', format === 'WEBP' && animated === 'True' &&
        Number(n) >= 10 && Math.abs(Number(total) - 2000) <= 2, pil);

  let downloaded = false;
  const onDownload = () => { downloaded = true; };
  page.on('download', onDownload);
  await script(page, 'set parallax-path swing; set parallax-seconds 30; export-parallax sbs-video');  // long enough to cancel
  await waitFor(page, 'the side-by-side video runs', () => depthview.parallax?.frames >= 5, undefined, 120000);
  await page.screenshot({ path: join(shots, '1_exporting.png') });
  await script(page, 'cancel-parallax');
  await waitFor(page, 'the export cancelled', () => depthview.state().parallax?.outcome === 'cancelled', undefined, 60000);
  await page.waitForTimeout(1000);
  const cancelled = await page.evaluate(() => depthview.parallax);
  check('Cancel: nothing downloaded, the page and the viewer say cancelled', !downloaded && cancelled.state === 'cancelled' &&
        cancelled.frames < 450, JSON.stringify(cancelled));
  page.off('download', onDownload);
}

async function stills(page) {
  const names = [];
  const done = new Promise((resolveDone) => {
    page.on('download', async (d) => {
      await d.saveAs(join(shots, d.suggestedFilename()));
      names.push(d.suggestedFilename());
      if (names.length === 2) resolveDone();
    });
  });
  await script(page, 'formats glb-layered,anaglyph; export /tmp/depthview-export');
  await Promise.race([done, new Promise((r) => setTimeout(r, 60000))]);
  check('Export: the layered GLB and the anaglyph downloaded', names.includes('demo01_depth_layered.glb') &&
        names.includes('demo01_depth_anaglyph.jpg'), names.join(', '));
  if (names.includes('demo01_depth_layered.glb')) {
    const b = readFileSync(join(shots, 'demo01_depth_layered.glb'));
    const n = b.readUInt32LE(12);
    const g = JSON.parse(b.subarray(20, 20 + n).toString('utf8'));
    check('GLB: two textured meshes', g.meshes.length === 2 && g.textures.length === 2, g.meshes.map((m) => m.name).join(', '));
  }
}

const browser = await launchChromium();
const server = await startServer(root, ['--root', join(root, 'build/site'), '--models', join(root, 'models'), '--models', join(shared, 'models')]);
try {
  const { context, page } = await open(browser, server.url);
  await waitReady(page);
  await page.setInputFiles('#file', join(shared, 'photos/da2/demo01.jpg'));
  await waitDepth(page, 'demo01.jpg');
  await videos(page);
  await stills(page);
  await page.screenshot({ path: join(shots, '2_after.png') });
  const s = await state(page);
  check('the viewer went on: depth shown, no error', s.has_depth && s.error === '', s.error);
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
