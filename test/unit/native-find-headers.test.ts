// Where the addon's build looks for headers (native/lib/find-headers.mjs), on a fake file system:
// the environment first, then the usual install paths; versions read from the headers; each
// missing or unsupported set named with its fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAddonHeaders, parseCudaVersion, parseTensorRtVersion } from '../../native/lib/find-headers.mjs';

const TRT10 = '#define TRT_MAJOR_ENTERPRISE 10\n#define TRT_MINOR_ENTERPRISE 13\n#define TRT_PATCH_ENTERPRISE 0\n';
const TRT8 = '#define NV_TENSORRT_MAJOR 8\n#define NV_TENSORRT_MINOR 6\n#define NV_TENSORRT_PATCH 1\n';
const CUDA12 = '#define CUDART_VERSION  12090\n';

function fakeFs(files: Record<string, string>) {
  return {
    exists: (path: string) => path in files || Object.keys(files).some((f) => f.startsWith(`${path}/`)),
    readText: (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT ${path}`);
      return text;
    },
  };
}

const node = { '/opt/node/include/node/node_api.h': '' };
const trt = (root: string, text = TRT10) => ({ [`${root}/NvInfer.h`]: '', [`${root}/NvOnnxParser.h`]: '', [`${root}/NvInferVersion.h`]: text });
const cuda = (root: string, text = CUDA12) => ({ [`${root}/cuda_runtime_api.h`]: text, [`${root}/crt/host_defines.h`]: '', [`${root}/nvml.h`]: '' });

describe('parse versions from headers', () => {
  it('reads TensorRT 10/11 (enterprise macros) and older (NV_TENSORRT_*)', () => {
    assert.equal(parseTensorRtVersion(TRT10), '10.13.0');
    assert.equal(parseTensorRtVersion(TRT8), '8.6.1');
    assert.equal(parseTensorRtVersion('nothing'), null);
  });
  it('reads CUDART_VERSION', () => {
    assert.equal(parseCudaVersion(CUDA12), '12.9');
    assert.equal(parseCudaVersion('#define CUDART_VERSION 13000'), '13.0');
    assert.equal(parseCudaVersion(''), null);
  });
});

describe('findAddonHeaders', () => {
  it('uses TENSORRT_ROOT and CUDA_HOME before the system paths, and the running Node\'s headers', () => {
    const fs = fakeFs({ ...node, ...trt('/trt/include'), ...trt('/usr/include/x86_64-linux-gnu'), ...cuda('/cuda/include'), ...cuda('/usr/local/cuda/include') });
    const found = findAddonHeaders({ env: { TENSORRT_ROOT: '/trt', CUDA_HOME: '/cuda' }, execPath: '/opt/node/bin/node', ...fs });
    assert.deepEqual(found.problems.filter((p) => p.what !== 'node-addon-api'), []);
    assert.deepEqual(found.node, { dir: '/opt/node/include/node', source: 'the running Node' });
    assert.deepEqual(found.tensorrt, { dir: '/trt/include', source: 'TENSORRT_ROOT', version: '10.13.0' });
    assert.deepEqual(found.cuda, { dir: '/cuda/include', source: 'CUDA_HOME', version: '12.9' });
    assert.deepEqual(found.nvml, { dir: '/cuda/include', source: 'CUDA_HOME' });
  });

  it('finds Debian\'s TensorRT packages and the toolkit in /usr/local/cuda without any variable', () => {
    const fs = fakeFs({ ...node, ...trt('/usr/include/x86_64-linux-gnu'), ...cuda('/usr/local/cuda/targets/x86_64-linux/include') });
    const found = findAddonHeaders({ env: {}, execPath: '/opt/node/bin/node', ...fs });
    assert.equal(found.tensorrt?.dir, '/usr/include/x86_64-linux-gnu');
    assert.equal(found.tensorrt?.source, 'system');
    assert.equal(found.cuda?.dir, '/usr/local/cuda/targets/x86_64-linux/include');
  });

  it('names each missing set with what to set', () => {
    const found = findAddonHeaders({ env: {}, execPath: '/opt/node/bin/node', ...fakeFs(node) });
    assert.deepEqual(
      found.problems.filter((p) => p.what !== 'node-addon-api').map((p) => [p.what, p.hint]),
      [
        ['TensorRT headers', 'set TENSORRT_ROOT'],
        ['CUDA runtime headers', 'set CUDA_HOME'],
        ['NVML header', 'set NVML_HOME'],
      ],
    );
    assert.match(found.problems.find((p) => p.what === 'TensorRT headers')!.reason, /NvInfer\.h, NvInferVersion\.h, NvOnnxParser\.h not found in \/usr\/include\/x86_64-linux-gnu/);
  });

  it('refuses TensorRT 8 and CUDA 11 headers, saying which versions are supported', () => {
    const fs = fakeFs({ ...node, ...trt('/trt/include', TRT8), ...cuda('/cuda/include', '#define CUDART_VERSION 11080') });
    const found = findAddonHeaders({ env: { TENSORRT_ROOT: '/trt', CUDA_HOME: '/cuda' }, execPath: '/opt/node/bin/node', ...fs });
    const reasons = found.problems.map((p) => p.reason).join('\n');
    assert.match(reasons, /version 8\.6\.1; the addon supports 10\.x and 11\.x/);
    assert.match(reasons, /version 11\.8; the addon supports 12\.x and 13\.x/);
  });

  it('falls back to the node-api-headers package for a Node without include/', () => {
    const found = findAddonHeaders({ env: {}, execPath: '/nowhere/bin/node', exists: (p: string) => p.endsWith('node-api-headers/include/node_api.h') || p.endsWith('napi.h'), readText: () => '' });
    assert.equal(found.node?.source, 'node-api-headers');
  });
});
