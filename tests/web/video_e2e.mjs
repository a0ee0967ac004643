// Video files and the webcam in the web viewer (issue 17), end to end in headless Debian Chromium.
// Makes test clips from ../shared/video/davis_rollercoaster.mp4 with the ffmpeg CLI, then: each bad
// file (MPEG-4 Part 2, audio only, no frames, truncated) gives its one message and the page keeps
// working; an H.264 and a VP9 file play into live depth; the fake camera (a .y4m) gives live depth,
// and its track stopping gives one message; no camera / a refused permission each give theirs; the
// depth export of the H.264 file decodes with ffprobe at the input's frame count and rate.
// Screenshots: build/web-shots/video/.
//   node tests/web/video_e2e.mjs [--fake-wasm] [--real]
// Where the wasm build lacks the video entry points (dv_app_video_*), they are replaced by the JS
// stand-ins of tests/web/video_stub.js (the page's half is tested; the test says so). --fake-wasm
// also replaces the whole module (no wasm builds needed: serves web/ with vendor/ from the cache);
// --real fails instead of using stand-ins (tests/scripts/web_video.sh passes it once src/app has them).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { launchChromium, startServer } from './browser.mjs';
import { check, open, result, state, waitDepth, waitFor, waitReady } from './helpers.mjs';
import { fakeSite, installStubs, prepareVideoPage } from './video_support.mjs';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared');
const source = join(shared, 'video/davis_rollercoaster.mp4');
const photo = join(shared, 'photos/da2/demo01.jpg');
const shots = join(root, 'build/web-shots/video');
const fakeWasm = process.argv.includes('--fake-wasm');
const real = process.argv.includes('--real');
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

const ffmpeg = (...args) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
const ffprobe = (file) => JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0',
  '-show_entries', 'stream=codec_name,width,height,nb_read_frames,r_frame_rate,avg_frame_rate', '-of', 'json', file], { encoding: 'utf8' })).streams[0];

// The clips: H.264 mp4 at 640x360, VP9 webm, audio-only m4a, an mp4 with no frames, a truncated
// mp4 (its index, at the end, cut off), the original MPEG-4 Part 2 file and a .y4m for the camera.
function makeClips(dir) {
  const c = (name) => join(dir, name);
  ffmpeg('-i', source, '-vf', 'scale=640:360', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', c('ride_h264.mp4'));
  ffmpeg('-i', source, '-vf', 'scale=640:360', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M', c('ride_vp9.webm'));
  ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'aac', c('only_audio.m4a'));
  ffmpeg('-i', source, '-frames:v', '0', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', c('no_frames.mp4'));
  copyFileSync(c('ride_h264.mp4'), c('cut_short.mp4'));
  truncateSync(c('cut_short.mp4'), Math.floor(statSync(c('ride_h264.mp4')).size * 0.6));
  copyFileSync(source, c('ride_mp4v.mp4'));
  ffmpeg('-i', c('ride_h264.mp4'), '-pix_fmt', 'yuv420p', c('camera.y4m'));
  return c;
}

// A file dropped on the canvas (synthetic drag-and-drop): the page must take videos before the
// GLFW port's drop handler does.
async function dropFile(page, path, type) {
  const b64 = readFileSync(path).toString('base64');
  const name = path.split('/').pop();
  await page.evaluate(([data, fileName, mime]) => {
    const bytes = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], fileName, { type: mime }));
    const canvas = document.getElementById('canvas');
    for (const t of ['dragenter', 'dragover', 'drop'])
      canvas.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: 640, clientY: 400 }));
  }, [b64, name, type]);
}

const statusText = (page) => page.evaluate(() => document.getElementById('status').textContent);
const video = async (page) => (await state(page)).video ?? {};

let stubbed = fakeWasm;
// Opens the page (query: e.g. '?camera=1'), ready with its model; the stand-ins where needed.
async function openPage(browser, server, query = '') {
  const { context, page } = await open(browser, `${server.url}${query}`, {}, (ctx, p) => prepareVideoPage(p, fakeWasm));
  await waitReady(page);
  if (await installStubs(page, !real)) stubbed = true;
  else if (real && !(await page.evaluate(() => typeof Module._dv_app_video_open === 'function')))
    throw new Error('--real: this wasm build has no dv_app_video_open (rebuild it: scripts/build web-simd web-relaxed web-single)');
  return { context, page };
}

const photoStillWorks = async (page, after) => {
  await page.setInputFiles('#file', photo);
  await waitDepth(page, 'demo01.jpg');
  check(`a photo still works after ${after}`, (await state(page)).has_depth);
};

async function badFiles(browser, server, clip) {
  const { context, page } = await openPage(browser, server);
  const cases = [
    ['ride_mp4v.mp4', 'video/mp4', /^ride_mp4v\.mp4: this browser cannot play its video codec \(MPEG-4 Part 2, mp4v\.20\.\d+\); convert it to H\.264 or VP9$/],
    ['only_audio.m4a', 'audio/mp4', /^only_audio\.m4a: the file has only audio, no video track$/],
    ['no_frames.mp4', 'video/mp4', /^no_frames\.mp4: the file has no video frames/],
    ['cut_short.mp4', 'video/mp4', /^cut_short\.mp4: the file is truncated/],
  ];
  for (const [name, type, expected] of cases) {
    await dropFile(page, clip(name), type);
    await waitFor(page, `the message for ${name}`, (n) => document.getElementById('status').textContent.startsWith(`${n}:`), name, 30000);
    await page.waitForTimeout(300);  // a second message would show by now
    const text = await statusText(page);
    const v = await video(page);
    check(`${name}: one clear message`, expected.test(text) && text.split(name).length === 2, text);
    check(`${name}: no video mode entered`, v.mode !== 'file', JSON.stringify(v.mode));
    await page.screenshot({ path: join(shots, `bad_${name.replace(/\W/g, '_')}.png`) });
  }
  await photoStillWorks(page, 'the bad files');
  check('bad files: no page errors', page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

async function playFiles(browser, server, clip) {
  const { context, page } = await openPage(browser, server);
  await dropFile(page, clip('ride_h264.mp4'), 'video/mp4');
  await waitFor(page, 'live depth of the H.264 file', () => {
    const v = depthview.state().video;
    return v && v.mode === 'file' && v.frames_depth > 3 && v.depth_fps > 0;
  }, undefined, 60000);
  let v = await video(page);
  const names = ['mode', 'frames_in', 'frames_depth', 'dropped', 'depth_fps', 'stabilised', 'playing', 'time_s', 'error'];
  check('state().video has its fields', names.every((n) => n in v), names.filter((n) => !(n in v)).join(', ') || 'all');
  check('H.264 file: video mode, frames delivered, depth frames and rate', v.mode === 'file' && v.frames_in > 3 && v.frames_depth > 3 && v.depth_fps > 0 && v.playing,
        `in ${v.frames_in}, depth ${v.frames_depth}, dropped ${v.dropped}, ${v.depth_fps.toFixed(1)} depth frames/s`);
  if (stubbed) check('H.264 file: frames at 640x360 with a picture, 24 fps, 70 frames announced',
                     v.width === 640 && v.height === 360 && v.bad_frames === 0 && v.last_mean > 10 && v.fps === 24 && v.frame_count === 70,
                     `${v.width}x${v.height}, mean grey ${v.last_mean.toFixed(0)}, ${v.fps} fps, ${v.frame_count} frames`);
  await page.screenshot({ path: join(shots, 'file_h264_playing.png') });
  await page.evaluate(() => depthview.videoCommand('pause'));
  await waitFor(page, 'paused', () => !depthview.state().video.playing, undefined, 10000);
  await page.evaluate(() => depthview.videoCommand('seek', 1.0));
  await waitFor(page, 'seeked to 1 s', () => Math.abs(depthview.state().video.time_s - 1.0) < 0.1, undefined, 10000);
  check('pause and seek reach the viewer', true, `time ${(await video(page)).time_s.toFixed(2)} s`);
  await page.evaluate(() => depthview.videoCommand('play'));
  await waitFor(page, 'the file ends', () => { const s = depthview.state().video; return !s.playing && s.time_s > 2.8; }, undefined, 30000);
  v = await video(page);
  check('the file plays to its end', !v.playing && v.error === '', `time ${v.time_s.toFixed(2)} s, error "${v.error}"`);
  console.log(`H.264 640x360: ${v.frames_in} frames in, ${v.frames_depth} depth frames, ${v.dropped} dropped, ${v.depth_fps.toFixed(1)} depth frames/s${stubbed ? ' (stand-in model)' : ''}`);

  await dropFile(page, clip('ride_vp9.webm'), 'video/webm');
  await waitFor(page, 'live depth of the VP9 file', () => {
    const s = depthview.state().video;
    return s.mode === 'file' && s.name !== undefined ? s.name === 'ride_vp9.webm' && s.frames_depth > 3 : s.mode === 'file' && s.frames_depth > 3;
  }, undefined, 60000);
  check('VP9 WebM file plays into depth', (await video(page)).frames_depth > 3);
  await page.screenshot({ path: join(shots, 'file_vp9_playing.png') });
  await photoStillWorks(page, 'the videos');
  const before = (await video(page)).frames_in;
  await page.waitForTimeout(500);
  check('opening a photo stops the video (no more frames handed over)',
        (await page.evaluate(() => depthview.media.player === null)) && (await video(page)).frames_in === before, `${before} frames in`);
  check('files: no page errors', page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

async function exports(browser, server, clip, dir) {
  const { context, page } = await openPage(browser, server);
  await dropFile(page, clip('ride_h264.mp4'), 'video/mp4');
  await waitFor(page, 'the file plays', () => depthview.state().video?.mode === 'file', undefined, 60000);
  for (const [cmd, name, width] of [['export-depth', 'ride_h264_depth.mp4', 640], ['export-sbs', 'ride_h264_sbs.mp4', 1280]]) {
    const started = Date.now();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 180000 }), page.evaluate((c) => depthview.videoCommand(c), cmd)]);
    const saved = join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    copyFileSync(saved, join(shots, download.suggestedFilename()));
    const p = ffprobe(saved);
    const record = await page.evaluate(() => depthview.media.export);
    check(`${cmd}: ${name} with the input's 70 frames at 24 fps, ${width}x360 (${p.codec_name})`,
          download.suggestedFilename() === name && Number(p.nb_read_frames) === 70 && p.r_frame_rate === '24/1' && p.avg_frame_rate === '24/1' && p.width === width && p.height === 360,
          `${download.suggestedFilename()}: ${p.nb_read_frames} frames, ${p.r_frame_rate} (avg ${p.avg_frame_rate}), ${p.width}x${p.height}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    check(`${cmd}: the viewer is told it is done`, record.state === 'done' && (!stubbed || (await video(page)).export_done?.cancelled === false));
    ffmpeg('-i', saved, '-vf', 'select=eq(n\\,35)', '-frames:v', '1', join(shots, `${cmd}_frame35.png`));
  }
  // Cancel: nothing is downloaded, the viewer hears "cancelled".
  let downloaded = false;
  page.on('download', () => { downloaded = true; });
  await page.evaluate(() => depthview.videoCommand('export-depth'));
  await waitFor(page, 'the export runs', () => depthview.media.export?.frames >= 5, undefined, 60000);
  await page.evaluate(() => depthview.videoCommand('cancel-export'));
  await waitFor(page, 'the export cancelled', () => depthview.media.export?.state === 'cancelled', undefined, 30000);
  await page.waitForTimeout(1000);
  const record = await page.evaluate(() => depthview.media.export);
  check('cancel-export: stops, nothing downloaded, the viewer told', !downloaded && record.frames < 70 && (!stubbed || (await video(page)).export_done?.cancelled === true),
        `${record.frames} frames before the cancel`);
  check('export: no page errors', page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

async function camera(browser, server) {
  const { context, page } = await openPage(browser, server, stubbed ? '' : '?camera=1');
  if (stubbed) await page.evaluate(() => depthview.videoCommand('camera'));
  await waitFor(page, 'live depth from the fake camera', () => {
    const v = depthview.state().video;
    return v?.mode === 'camera' && v.frames_depth > 3 && v.depth_fps > 0;
  }, undefined, 60000);
  let v = await video(page);
  check('fake camera: live depth', v.mode === 'camera' && v.frames_depth > 3,
        `in ${v.frames_in}, depth ${v.frames_depth}, dropped ${v.dropped}, ${v.depth_fps.toFixed(1)} depth frames/s`);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(shots, 'camera_live.png') });
  // The camera disappears: its track ends (stopped here; a device unplugged ends it the same way).
  await page.evaluate(() => depthview.media.player.stream.getVideoTracks()[0].stop());
  await waitFor(page, 'the camera-stopped message', () => /camera stopped/.test(depthview.state().video.error), undefined, 10000);
  v = await video(page);
  const text = await statusText(page);
  check('camera track ends: one message', v.error === 'the camera stopped (track ended)' && text === v.error, `viewer "${v.error}", status "${text}"`);
  await page.screenshot({ path: join(shots, 'camera_stopped.png') });
  await photoStillWorks(page, 'the camera');
  check('camera: no page errors', page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
  await context.close();
}

// No camera (no fake device: this machine has none), and a refused permission (a fake device, the
// site's camera permission set to denied): one message each, in browsers of their own.
async function cameraRefusals(server) {
  const cases = [
    ['no camera', ['--use-fake-ui-for-media-stream'], false, 'no camera found'],
    ['camera permission refused', ['--use-fake-device-for-media-stream'], true, 'camera permission was refused'],
  ];
  for (const [what, args, deny, expected] of cases) {
    const browser = await launchChromium(args);
    try {
      const { context, page } = await openPage(browser, server);
      if (deny) {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Browser.setPermission', { permission: { name: 'camera' }, setting: 'denied', origin: server.origin });
      }
      await page.evaluate(() => depthview.videoCommand('camera'));
      await waitFor(page, `the ${what} message`, () => /camera/.test(document.getElementById('status').textContent), undefined, 10000);
      await page.waitForTimeout(300);
      check(`${what}: one message`, (await statusText(page)) === expected, await statusText(page));
      await page.screenshot({ path: join(shots, `${what.replace(/\W/g, '_')}.png`) });
      check(`${what}: no page errors`, page.errors.length === 0, page.errors.slice(0, 3).join(' | '));
      await context.close();
    } finally {
      await browser.close();
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'dv-video-'));
let browser = null, server = null;
try {
  const clip = makeClips(dir);
  const site = fakeWasm ? fakeSite(dir) : join(root, 'build/site');
  server = await startServer(root, ['--root', site, '--models', join(root, 'models'), '--models', join(shared, 'models')]);
  browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${clip('camera.y4m')}`]);
  console.log(`Chromium ${browser.version()}${fakeWasm ? ' (--fake-wasm: no WebAssembly, stand-in module)' : ''}`);
  await badFiles(browser, server, clip);
  if (stubbed && !fakeWasm) console.log('note: this wasm build has no dv_app_video_* entry points: the JS stand-ins of tests/web/video_stub.js answer for the viewer');
  await playFiles(browser, server, clip);
  await exports(browser, server, clip, dir);
  await camera(browser, server);
  await cameraRefusals(server);
} catch (e) {
  result.failures++;
  console.log(`FAIL: ${e.message}`);
} finally {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${result.failures} failure(s)${stubbed ? ' (viewer side: JS stand-ins)' : ''}; screenshots in ${shots}`);
process.exit(result.failures ? 1 : 0);
