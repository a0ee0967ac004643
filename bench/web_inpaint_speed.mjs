// The 3D photo's layered depth image (edge band + inpainting) of a 4 MP photo in headless Debian
// Chromium (dv_inpaint_speed_web, bench/web/program.html) beside the native build on the same photo
// in the same run (the anchor), 1 and 2 threads; prints the times and the browser / native ratio.
//   node bench/web_inpaint_speed.mjs [--megapixels 4] [--threads 2] [--flavour relaxed|simd]
// Needs scripts/setup (playwright-core, chromium), scripts/build native web-simd web-relaxed.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { parseOptions, root } from './common.mjs';
import { openBenchSite } from './web_site.mjs';

const args = parseOptions();
const megapixels = args.megapixels ?? '4', threads = args.threads ?? '2', flavour = args.flavour ?? 'relaxed';
const walls = (out) => [...out.matchAll(/^(\d+) threads?: ([\d.]+) s wall/gm)].map((m) => ({ threads: Number(m[1]), s: Number(m[2]) }));

const native = execFileSync(join(root, 'build/native/tests/dv_inpaint_speed'), ['--megapixels', megapixels, '--threads', threads],
  { encoding: 'utf8' });
console.log(`native: ${native.trim()}`);
const site = await openBenchSite({ port: Number(args.port ?? 8766), folders: { repomodels: join(root, 'models') } });
try {
  const files = { '/photo.jpg': 'shared/photos/da2/demo01.jpg', '/fastdepth.onnx': 'shared/models/fastdepth.onnx',
    '/models.json': 'repomodels/models.json' };
  const r = await site.run({ program: `${flavour}/dv_inpaint_speed_web.js`, files: JSON.stringify(files),
    args: JSON.stringify(['--photo', '/photo.jpg', '--model', '/fastdepth.onnx', '--megapixels', megapixels, '--threads', threads]) },
  'program.html');
  console.log(`Chromium ${site.version} (${flavour}): ${r.out.trim()}`);
  if (r.code !== 0) throw new Error(`the wasm program exited with ${r.code}`);
  const n = walls(native), w = walls(r.out);
  for (const { threads: t, s } of w) {
    const anchor = n.find((x) => x.threads === t);
    console.log(`${megapixels} MP, ${t} thread${t === 1 ? '' : 's'}: Chromium ${s.toFixed(2)} s, native ${anchor?.s.toFixed(2)} s, ratio ${(s / anchor?.s).toFixed(2)}`);
  }
} finally {
  await site.close();
}
