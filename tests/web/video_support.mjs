// What the video test and benchmark share: the JS stand-ins for the viewer's video entry points
// (video_stub.js) injected into a page, and a site without wasm builds for --fake-wasm.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const stubScript = join(import.meta.dirname, 'video_stub.js');

// A site of web/ and vendor/ only (the module itself is faked by fakeModule below).
export function fakeSite(dir) {
  const site = join(dir, 'site');
  mkdirSync(join(site, 'vendor'), { recursive: true });
  for (const f of readdirSync(join(root, 'web'))) if (/\.(html|js)$/.test(f)) copyFileSync(join(root, 'web', f), join(site, f));
  const mb = join(process.env.DEPTHVIEW_TC, 'page/node_modules/mediabunny');
  copyFileSync(join(mb, 'dist/bundles/mediabunny.min.mjs'), join(site, 'vendor/mediabunny.min.mjs'));
  return site;
}

// Before navigation: the stand-ins' script (installed later by installStubs), and with fakeWasm
// a module without WebAssembly in place of depthview_viewer.js.
export async function prepareVideoPage(page, fakeWasm) {
  await page.addInitScript({ path: stubScript });
  if (fakeWasm) await page.route('**/depthview_viewer.js', (route) => route.fulfill({ contentType: 'text/javascript', body: 'globalThis.__dvFakeModule();' }));
}

// After the runtime started: true when the stand-ins now answer for the viewer (the build lacks
// dv_app_video_*), false when the real entry points are there (or `allowed` is false).
export const installStubs = (page, allowed = true) => page.evaluate((ok) => ok && __dvVideoStub.install(), allowed);
