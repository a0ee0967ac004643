// Shared by the browser tests: headless Debian Chromium through playwright-core (never a browser
// download), and the project's dev server on a free 127.0.0.1 port.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

const require = createRequire(join(process.env.DEPTHVIEW_TC, 'node', 'package.json'));
export const { chromium, devices } = require('playwright-core');

// extraArgs: more Chromium flags (e.g. the fake camera's).
export async function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    ignoreDefaultArgs: ['--headless'],
    args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', ...extraArgs],
  });
}

// Ends a child process and resolves once it has exited (so its port is free again).
export function stopProcess(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => { proc.once('exit', resolve); proc.kill(); });
}

export async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Starts web/serve.mjs (on `port`, else a free one); resolves with { url, origin, port, stop } once it listens.
export async function startServer(root, serveArgs = [], port = 0) {
  port ||= await freePort();
  const proc = spawn('node', [join(root, 'web', 'serve.mjs'), '--port', String(port), ...serveArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => { if (String(d).includes('open http')) resolve(); });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, origin: `http://127.0.0.1:${port}`, port, stop: () => stopProcess(proc) };
}
