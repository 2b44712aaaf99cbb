// Where the headers the addon compiles against are: Node-API, node-addon-api, TensorRT, the
// CUDA runtime and NVML. Plain JavaScript (no TypeScript) because scripts/build-native.mjs runs
// it with a bare Node on machines without the dev dependencies; src/doctor reads it too.
//
// Search order: the environment (TENSORRT_ROOT, CUDA_HOME or CUDA_PATH, NVML_HOME, each a folder
// with include/; npm_config_nodedir for Node), then the usual install paths. Pure apart from the
// injected `fs`-like functions, so tests give it a fake file system.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const SUPPORTED_TENSORRT_MAJORS = [10, 11];
export const SUPPORTED_CUDA_MAJORS = [12, 13];

const TENSORRT_FILES = ['NvInfer.h', 'NvInferVersion.h', 'NvOnnxParser.h'];

function unique(list) {
  return [...new Set(list.filter(Boolean))];
}

/** The folders searched for each header set, in order. */
export function searchPaths(env, execPath) {
  const cudaRoots = unique([env.CUDA_HOME, env.CUDA_PATH, '/usr/local/cuda']);
  const cudaIncludes = cudaRoots.flatMap((root) => [
    join(root, 'include'),
    join(root, 'targets', 'x86_64-linux', 'include'),
    join(root, 'targets', 'sbsa-linux', 'include'),
  ]);
  return {
    node: unique([env.npm_config_nodedir && join(env.npm_config_nodedir, 'include', 'node'), join(dirname(dirname(execPath)), 'include', 'node')]),
    tensorrt: unique([
      env.TENSORRT_ROOT && join(env.TENSORRT_ROOT, 'include'),
      '/usr/include/x86_64-linux-gnu',
      '/usr/include/aarch64-linux-gnu',
      '/usr/local/tensorrt/include',
      '/opt/tensorrt/include',
      '/usr/include',
    ]),
    cuda: unique([...cudaIncludes, '/usr/include']),
    nvml: unique([env.NVML_HOME && join(env.NVML_HOME, 'include'), ...cudaIncludes, '/usr/include']),
  };
}

/** "10.13.0" from NvInferVersion.h's text; null when it holds no version. */
export function parseTensorRtVersion(text) {
  const number = (name) => {
    const match = new RegExp(`#define\\s+${name}\\s+(\\d+)`).exec(text);
    return match ? Number(match[1]) : null;
  };
  const major = number('TRT_MAJOR_ENTERPRISE') ?? number('NV_TENSORRT_MAJOR');
  const minor = number('TRT_MINOR_ENTERPRISE') ?? number('NV_TENSORRT_MINOR');
  const patch = number('TRT_PATCH_ENTERPRISE') ?? number('NV_TENSORRT_PATCH');
  return major === null || minor === null ? null : `${major}.${minor}.${patch ?? 0}`;
}

/** "12.9" from cuda_runtime_api.h's CUDART_VERSION (12090); null when absent. */
export function parseCudaVersion(text) {
  const match = /#define\s+CUDART_VERSION\s+(\d+)/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  return `${Math.floor(value / 1000)}.${Math.floor((value % 1000) / 10)}`;
}

/** Which environment variable led to `dir`, or 'system'. */
function sourceOf(dir, env, names) {
  const name = names.find((n) => env[n] && dir.startsWith(env[n]));
  return name ?? 'system';
}

function majorOf(version) {
  return Number(version.split('.')[0]);
}

function packageFolder(require, name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

/**
 * Finds every header set. Returns `{ node, nodeAddonApi, tensorrt, cuda, nvml, problems }`, each
 * found entry `{ dir, source, version? }`, and `problems` one `{ what, hint, reason, fix }` per set
 * that is missing or of an unsupported version (empty when the addon can be built).
 */
export function findAddonHeaders({
  env = process.env,
  execPath = process.execPath,
  exists = existsSync,
  readText = (path) => readFileSync(path, 'utf8'),
  // Packages resolve from this file (native/lib/ in the package, or dist/ once bundled).
  resolveFrom = import.meta.url,
} = {}) {
  const paths = searchPaths(env, execPath);
  const require = createRequire(resolveFrom);
  const problems = [];
  const first = (dirs, files) => dirs.find((dir) => files.every((f) => exists(join(dir, f)))) ?? null;

  let node = null;
  const nodeDir = first(paths.node, ['node_api.h']);
  if (nodeDir) {
    node = { dir: nodeDir, source: 'the running Node' };
  } else {
    const headersPackage = packageFolder(require, 'node-api-headers');
    if (headersPackage && exists(join(headersPackage, 'include', 'node_api.h'))) {
      node = { dir: join(headersPackage, 'include'), source: 'node-api-headers' };
    } else {
      problems.push({
        what: 'Node-API headers',
        hint: 'set npm_config_nodedir',
        reason: `node_api.h not found in ${paths.node.join(', ')} nor in the node-api-headers package`,
        fix: 'set npm_config_nodedir to a Node installation that has include/node, or run `npm ci`',
      });
    }
  }

  const addonApiDir = packageFolder(require, 'node-addon-api');
  const nodeAddonApi = addonApiDir && exists(join(addonApiDir, 'napi.h')) ? { dir: addonApiDir, source: 'node-addon-api' } : null;
  if (!nodeAddonApi) problems.push({ what: 'node-addon-api', hint: 'run npm ci', reason: 'the node-addon-api package is not installed', fix: 'run `npm ci`' });

  let tensorrt = null;
  const trtDir = first(paths.tensorrt, TENSORRT_FILES);
  if (!trtDir) {
    problems.push({
      what: 'TensorRT headers',
      hint: 'set TENSORRT_ROOT',
      reason: `${TENSORRT_FILES.join(', ')} not found in ${paths.tensorrt.join(', ')}`,
      fix: 'install TensorRT 10 or 11 with its headers (e.g. `apt-get install libnvinfer-dev libnvonnxparsers-dev`) or set TENSORRT_ROOT to a folder with include/NvInfer.h',
    });
  } else {
    const version = parseTensorRtVersion(readText(join(trtDir, 'NvInferVersion.h')));
    tensorrt = { dir: trtDir, source: sourceOf(trtDir, env, ['TENSORRT_ROOT']), version };
    if (!version || !SUPPORTED_TENSORRT_MAJORS.includes(majorOf(version))) {
      problems.push({
        what: 'TensorRT headers',
        hint: 'set TENSORRT_ROOT to TensorRT 10 or 11',
        reason: `the TensorRT headers in ${trtDir} are version ${version ?? 'unknown'}; the addon supports ${SUPPORTED_TENSORRT_MAJORS.map((m) => `${m}.x`).join(' and ')}`,
        fix: 'install TensorRT 10 or 11 and set TENSORRT_ROOT to it',
      });
    }
  }

  let cuda = null;
  const cudaDir = first(paths.cuda, ['cuda_runtime_api.h', 'crt/host_defines.h']);
  if (!cudaDir) {
    problems.push({
      what: 'CUDA runtime headers',
      hint: 'set CUDA_HOME',
      reason: `cuda_runtime_api.h (with crt/host_defines.h) not found in ${paths.cuda.join(', ')}`,
      fix: 'install the CUDA 12 or 13 toolkit headers (e.g. `apt-get install cuda-cudart-dev-12-9 cuda-crt-12-9`) or set CUDA_HOME to a folder with include/cuda_runtime_api.h',
    });
  } else {
    const version = parseCudaVersion(readText(join(cudaDir, 'cuda_runtime_api.h')));
    cuda = { dir: cudaDir, source: sourceOf(cudaDir, env, ['CUDA_HOME', 'CUDA_PATH']), version };
    if (!version || !SUPPORTED_CUDA_MAJORS.includes(majorOf(version))) {
      problems.push({
        what: 'CUDA runtime headers',
        hint: 'set CUDA_HOME to CUDA 12 or 13',
        reason: `the CUDA headers in ${cudaDir} are version ${version ?? 'unknown'}; the addon supports ${SUPPORTED_CUDA_MAJORS.map((m) => `${m}.x`).join(' and ')}`,
        fix: 'install the CUDA 12 or 13 toolkit and set CUDA_HOME to it',
      });
    }
  }

  const nvmlDir = first(paths.nvml, ['nvml.h']);
  const nvml = nvmlDir ? { dir: nvmlDir, source: sourceOf(nvmlDir, env, ['NVML_HOME', 'CUDA_HOME', 'CUDA_PATH']) } : null;
  if (!nvml) {
    problems.push({
      what: 'NVML header',
      hint: 'set NVML_HOME',
      reason: `nvml.h not found in ${paths.nvml.join(', ')}`,
      fix: 'install the CUDA toolkit\'s NVML headers (e.g. `apt-get install cuda-nvml-dev-12-9`) or set NVML_HOME to a folder with include/nvml.h',
    });
  }

  return { node, nodeAddonApi, tensorrt, cuda, nvml, problems };
}
