// The browser benchmark's set-up: a site with bench/web/bench.html, both wasm flavours of
// dv_run_web, onnxruntime-web's files and the model folders (symlinks), served cross-origin
// isolated (web/serve.mjs), and headless Debian Chromium on it. Needs scripts/setup (ORT-web,
// playwright-core, chromium) and the web-simd / web-relaxed builds.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { nodeModules, requireTool, root, servedFolders } from './common.mjs';

// folders: more { name: local folder } to serve beside the models' ("shared", "seeded").
// jsFlags: V8 flags for Chromium (e.g. --no-enable-avx-vnni, to play a CPU without AVX-VNNI).
// run(query[, page]) opens a fresh page with bench.html's query (see there), or another page of the
// site (program.html: a wasm program of the web builds), and returns its window.result.
export async function openBenchSite({ port = 8765, folders = {}, jsFlags = '' } = {}) {
  const site = join(root, 'build/bench-site');
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  copyFileSync(join(root, 'bench/web/bench.html'), join(site, 'index.html'));
  copyFileSync(join(root, 'bench/ort_timing.mjs'), join(site, 'ort_timing.mjs'));
  copyFileSync(join(root, 'bench/web/program.html'), join(site, 'program.html'));
  const links = { ort: join(nodeModules, 'onnxruntime-web/dist'), simd: join(root, 'build/web-simd/tests'),
    relaxed: join(root, 'build/web-relaxed/tests'), ...servedFolders, ...folders };
  for (const [name, target] of Object.entries(links)) if (existsSync(target)) symlinkSync(target, join(site, name));

  const server = spawn('node', [join(root, 'web/serve.mjs'), '--root', site, '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok) => server.stdout.on('data', (d) => String(d).includes('open http') && ok()));
  const { chromium } = requireTool('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      ...(jsFlags ? [`--js-flags=${jsFlags}`] : [])] });
  return {
    has: (path) => existsSync(join(site, path)),
    version: browser.version(),
    async run(query, path = '') {
      const page = await browser.newPage();  // a fresh page each time: ORT fixes numThreads once
      try {
        await page.goto(`http://127.0.0.1:${port}/${path}?${new URLSearchParams(query)}`);
        await page.waitForFunction(() => window.result, null, { timeout: 900000 });
        return await page.evaluate(() => window.result);
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
      server.kill();
    },
  };
}
