// Shared by the download e2e and the first-visit benchmark: a stand-in model hub
// (tests/support/hub_server.mjs) serving one model file, and a site manifest that names only that
// model, its size and sha256 pinned, so the page must download it (the site has no model file).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { freePort, stopProcess } from './browser.mjs';

const root = resolve(import.meta.dirname, '../..');

// Starts the hub serving `files` ({ name: path }) from a folder under `dir`; args: more hub options
// (--rate, --cut, --log ...). Returns { url, origin, port, mode(query), log(), stop() }.
export async function startHub(dir, files, args = []) {
  const served = join(dir, 'hub');
  mkdirSync(served, { recursive: true });
  for (const [name, path] of Object.entries(files)) symlinkSync(resolve(path), join(served, name));
  const port = await freePort();
  const proc = spawn('node', [join(root, 'tests/support/hub_server.mjs'), '--dir', served, '--port', String(port), ...args],
                     { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok, fail) => {
    proc.stdout.on('data', (d) => { if (String(d).includes('listening')) ok(); });
    proc.on('exit', (code) => fail(new Error(`hub exited ${code}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`, origin, port,
    // /__hub/mode?rate=&cut=&cutTimes=&corrupt=: the hub's modes from now on.
    mode: async (query) => (await fetch(`${origin}/__hub/mode?${new URLSearchParams(query)}`)).json(),
    log: async () => (await fetch(`${origin}/__hub/log`)).json(),
    stop: () => stopProcess(proc),
  };
}

// Writes DIR/models.json: the project's manifest reduced to model `id` with one variant, `file`
// (the bytes of `model`) at `url`, size and sha256 pinned, the page's default. Returns { size, sha256 }.
export function pinnedManifest(dir, { id, variant, file, model, url }) {
  const project = JSON.parse(readFileSync(join(root, 'models/models.json'), 'utf8'));
  const bytes = readFileSync(model);
  const pin = { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  const entry = { ...project.models.find((m) => m.id === id) };
  entry.variants = { [variant]: { file, ...pin, url } };
  entry.default_variant = { native: variant, web: variant };
  entry.local_names = [];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'models.json'), JSON.stringify({ ...project, download_base: null, preference: [id], models: [entry] }, null, 1));
  return pin;
}
