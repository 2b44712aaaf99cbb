// `npm run build:native`: builds the TensorRT addon (native/) with CMake against the headers
// native/lib/find-headers.mjs finds (TENSORRT_ROOT, CUDA_HOME, NVML_HOME, then the usual
// paths) and the running Node's own Node-API headers, so nothing is downloaded.
//
// Where something is missing (headers, CMake, a compiler, Linux) it prints one line saying what
// and exits 0: the addon is optional and `npm ci` / `npm test` never fail because of it.
// `--strict` makes those cases fail instead (CI's compile check); `--verbose` lists where it looked. `--out DIR` (default
// native/build) holds the build; the addon lands in DIR/Release/quantgate_trt.node and a
// description of what it was built against in DIR/build-info.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findAddonHeaders } from '../native/lib/find-headers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const strict = args.includes('--strict');
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : join(root, 'native', 'build'));

function skip(reason) {
  console.log(`native addon: ${strict ? 'FAILED' : 'skipped'}: ${reason}`);
  process.exit(strict ? 1 : 0);
}

if (process.platform !== 'linux') skip(`TensorRT's addon builds on Linux only (this is ${process.platform})`);
// A copy of quantgate without the addon's sources (a partial checkout or a pruned package).
if (!existsSync(join(root, 'native', 'CMakeLists.txt'))) skip(`its sources are missing (no ${join(root, 'native', 'CMakeLists.txt')}): use a full checkout of quantgate`);

const cmakeVersion = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
if (cmakeVersion.error || cmakeVersion.status !== 0) skip('CMake is not installed (install cmake 3.16 or newer, e.g. `apt-get install cmake g++`)');

const headers = findAddonHeaders();
if (headers.problems.length > 0) {
  if (args.includes('--verbose') || strict) for (const p of headers.problems) console.log(`  ${p.what}: ${p.reason}\n    fix: ${p.fix}`);
  skip(`no ${headers.problems.map((p) => `${p.what} (${p.hint})`).join(', no ')}; --verbose says where it looked`);
}

// Absolute: CMake would read relative include folders against native/, not the working folder.
const defines = {
  QG_NODE_API_INCLUDE: resolve(headers.node.dir),
  QG_NODE_ADDON_API_INCLUDE: resolve(headers.nodeAddonApi.dir),
  QG_TENSORRT_INCLUDE: resolve(headers.tensorrt.dir),
  QG_CUDA_INCLUDE: resolve(headers.cuda.dir),
  QG_NVML_INCLUDE: resolve(headers.nvml.dir),
  CMAKE_BUILD_TYPE: 'Release',
  // QG_NATIVE_WERROR=0 builds despite warnings (a newer compiler than CI's may warn anew).
  QG_WERROR: process.env.QG_NATIVE_WERROR === '0' ? 'OFF' : 'ON',
};
mkdirSync(out, { recursive: true });
const configure = ['-S', join(root, 'native'), '-B', out, ...Object.entries(defines).map(([k, v]) => `-D${k}=${v}`)];
console.log(`native addon: TensorRT ${headers.tensorrt.version} headers (${headers.tensorrt.dir}), CUDA ${headers.cuda.version} (${headers.cuda.dir}), Node-API from ${headers.node.source}`);
for (const step of [configure, ['--build', out, '--parallel', String(Math.min(4, availableParallelism()))]]) {
  console.log(`$ cmake ${step.join(' ')}`);
  const result = spawnSync('cmake', step, { stdio: 'inherit' });
  if (result.status !== 0) {
    // A compile error in our sources is a bug to see, not a missing prerequisite: always fail.
    console.error(`native addon: FAILED: cmake ${step[0]} exited with ${result.status ?? result.signal}`);
    process.exit(1);
  }
}
writeFileSync(
  join(out, 'build-info.json'),
  `${JSON.stringify({ tensorrtHeaders: headers.tensorrt, cudaHeaders: headers.cuda, nvmlHeader: headers.nvml, nodeApi: headers.node, node: process.version }, null, 2)}\n`,
);
console.log(`native addon: built ${join(out, 'Release', 'quantgate_trt.node')}`);
