// What the benchmarks share: the four models with the photo and normalisation each is timed on,
// the toolchain's node modules (onnxruntime-node, onnxruntime-web, playwright-core) and the
// command-line parser.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Paths start with "shared/" (../shared) or "seeded/" (build/models: seeded weights made by
// tests/tools/seed_models.sh): the two folders the browser benchmark serves under those names.
export const benchModels = {
  fastdepth: { file: 'shared/models/fastdepth.onnx', photo: 'shared/eval/slambook2/ch5/rgbd/color/1.png', norm: 'unit' },
  pydnet: { file: 'shared/models/pydnet.onnx', photo: 'shared/photos/mobilepydnet_test_0.png', norm: 'unit' },
  midas: { file: 'seeded/midas_small_seeded.onnx', photo: 'shared/photos/da2/demo01.jpg', norm: 'imagenet' },
  dav2: { file: 'seeded/dav2_small_seeded.onnx', photo: 'shared/photos/da2/demo01.jpg', norm: 'imagenet' },
};
export const servedFolders = { shared: resolve(root, '..', 'shared'), seeded: join(root, 'build/models') };

// A benchModels path on this machine.
export function localPath(path) {
  const [folder, ...rest] = path.split('/');
  return join(servedFolders[folder], ...rest);
}

// The benchmark model a file is a variant of, from its name (dav2_small_seeded_q4f16.onnx: dav2),
// or undefined.
export function benchModelOf(file) {
  const name = basename(file);
  return Object.keys(benchModels).find((key) => name.startsWith(key));
}

const toolchain = execFileSync('bash', ['-c', `source "${root}/scripts/env.sh" && echo "$DEPTHVIEW_TC"`], { encoding: 'utf8' }).trim();
export const nodeModules = join(toolchain, 'node/node_modules');
export const requireTool = (name) => createRequire(join(nodeModules, name, 'package.json'))(name);

// "--key value" pairs as an object ({ key: 'value' }).
export function parseOptions(argv = process.argv.slice(2)) {
  return Object.fromEntries(argv.reduce((a, v, i, all) => (i % 2 ? a : [...a, [v.replace(/^--/, ''), all[i + 1]]]), []));
}
