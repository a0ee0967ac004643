// depthview wasm vs onnxruntime-web (wasm backend) in headless Debian Chromium, side by side:
// the same page runs both on the same input tensor (bench/web/bench.html).
//   node bench/web_vs_ort.mjs [--runs 5] [--threads 1,2] [--flavour relaxed|simd] [--models fastdepth,pydnet,midas,dav2] [--int8 1] [--profile 1]
// --int8 1 runs depthview in its int8 mode (ORT stays fp32). --profile 1 prints depthview's time per
// XNNPACK operator kind in the browser (the last timed run).
// Needs scripts/setup (ORT-web, playwright-core, chromium) and scripts/build web-simd web-relaxed;
// seeded models come from tests/tools/seed_models.sh (ctest makes them).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (i % 2 ? a : [...a, [v.replace(/^--/, ''), all[i + 1]]]), []));
const runs = args.runs ?? '5', flavour = args.flavour ?? 'relaxed', port = Number(args.port ?? 8765);
const threadList = (args.threads ?? '1,2').split(',');
const tc = execFileSync('bash', ['-c', `source "${root}/scripts/env.sh" && echo "$DEPTHVIEW_TC"`], { encoding: 'utf8' }).trim();
const modules = join(tc, 'node/node_modules');
const { chromium } = createRequire(join(modules, 'playwright-core/package.json'))('playwright-core');

// The site: page, both wasm flavours, ORT-web's files, models and photos (symlinks).
const site = join(root, 'build/bench-site');
rmSync(site, { recursive: true, force: true });
mkdirSync(site, { recursive: true });
copyFileSync(join(root, 'bench/web/bench.html'), join(site, 'index.html'));
copyFileSync(join(root, 'bench/ort_timing.mjs'), join(site, 'ort_timing.mjs'));
const links = { ort: join(modules, 'onnxruntime-web/dist'), simd: join(root, 'build/web-simd/tests'),
  relaxed: join(root, 'build/web-relaxed/tests'), shared: resolve(root, '../shared'), seeded: join(root, 'build/models') };
for (const [name, target] of Object.entries(links)) if (existsSync(target)) symlinkSync(target, join(site, name));

const models = {
  fastdepth: ['shared/models/fastdepth.onnx', 'shared/eval/slambook2/ch5/rgbd/color/1.png', 'unit'],
  pydnet: ['shared/models/pydnet.onnx', 'shared/photos/mobilepydnet_test_0.png', 'unit'],
  midas: ['seeded/midas_small_seeded.onnx', 'shared/photos/da2/demo01.jpg', 'imagenet'],
  dav2: ['seeded/dav2_small_seeded.onnx', 'shared/photos/da2/demo01.jpg', 'imagenet'],
};

const server = spawn('node', [join(root, 'web/serve.mjs'), '--root', site, '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((ok) => server.stdout.on('data', (d) => String(d).includes('open http') && ok()));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
try {
  console.log(`depthview wasm (${flavour}${args.int8 ? ', int8' : ''}) vs onnxruntime-web in Chromium ${browser.version()}: median of ${runs} runs after 2 warm-ups (ms)`);
  console.log(['model', 'threads', 'depthview', 'ORT-web', 'ratio', 'dv heap MiB'].map((s) => s.padEnd(13)).join(''));
  for (const name of (args.models ?? Object.keys(models).join(',')).split(',')) {
    const [model, photo, norm] = models[name];
    if (!existsSync(join(site, model))) { console.log(`${name}: SKIPPED (${model} not found)`); continue; }
    for (const threads of threadList) {
      const page = await browser.newPage();  // a fresh page per thread count: ORT fixes numThreads once
      await page.goto(`http://127.0.0.1:${port}/?model=${model}&photo=${photo}&norm=${norm}&threads=${threads}&runs=${runs}&flavour=${flavour}${args.int8 ? '&int8=1' : ''}${args.profile ? '&profile=1' : ''}`);
      await page.waitForFunction(() => window.result, null, { timeout: 600000 });
      const r = await page.evaluate(() => window.result);
      await page.close();
      if (r.error) { console.log(`${name} ${threads}: ERROR ${r.error}`); continue; }
      console.log([name, threads, r.dvMs.toFixed(1), r.ortMs.toFixed(1), (r.dvMs / r.ortMs).toFixed(2) + 'x', r.peak].map((s) => String(s).padEnd(13)).join(''));
      if (args.profile) for (const line of r.profile) console.log('    ' + line.replaceAll('\t', '  '));
    }
  }
} finally {
  await browser.close();
  server.kill();
}
