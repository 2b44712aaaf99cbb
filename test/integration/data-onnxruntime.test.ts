// Batches go straight into onnxruntime-node: every form of data, fed to a real session built
// from the same signature the data was checked against, comes back unchanged through Identity.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { openDataSet } from '../../src/data/open.ts';
import { randomDataSet } from '../../src/data/random.ts';
import type { DataSet } from '../../src/data/types.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { dataTypeFromName } from '../../src/model/dtypes.ts';
import { modelSignature, type TensorSignature } from '../../src/model/signature.ts';
import { bytesOf } from '../../src/model/tensor.ts';
import { loadOrt } from '../../src/runtime/onnxruntime/load.ts';
import { toOrtTensor } from '../../src/runtime/onnxruntime/tensor.ts';
import { FIXTURES, sampleFolder, signature } from '../fixtures/data/helpers.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

/**
 * An Identity per input, so a session's outputs are exactly what it was fed; with the inputs as
 * the model stage reads them (`modelSignature`), which is what the data is checked against.
 */
function identityModel(inputs: TensorSignature[]): { bytes: Uint8Array; inputs: TensorSignature[] } {
  const values = inputs.map((i) => ({ ...i, type: dataTypeFromName(i.dtype)! }));
  const proto = model(
    graph({
      nodes: values.map((i) => node('Identity', [i.name], [`${i.name}_out`])),
      inputs: values.map((i) => valueInfo(i.name, i.type, i.shape)),
      outputs: values.map((i) => valueInfo(`${i.name}_out`, i.type, i.shape)),
    }),
  );
  return { bytes: toBinary(ModelProtoSchema, proto), inputs: modelSignature(proto).inputs };
}

/** Runs every batch through the model; returns batches run and samples seen. */
async function runThrough(data: DataSet, bytes: Uint8Array, batchSize: number): Promise<{ batches: number; samples: number }> {
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  let batches = 0;
  let samples = 0;
  try {
    for await (const batch of data.batches(batchSize)) {
      const feeds = Object.fromEntries(Object.entries(batch.feeds).map(([name, t]) => [name, toOrtTensor(ort, t.dataType, t.dims, bytesOf(t.data))]));
      const outputs = await session.run(feeds);
      for (const [name, t] of Object.entries(batch.feeds)) {
        const out = outputs[`${name}_out`]!;
        assert.deepEqual(out.dims, t.dims, `${name} dims`);
        assert.ok(Buffer.from(bytesOf(out.data as never)).equals(Buffer.from(bytesOf(t.data))), `${name} values`);
      }
      batches++;
      samples += batch.size;
    }
  } finally {
    await session.release();
  }
  return { batches, samples };
}

describe('batches feed onnxruntime-node as they are', () => {
  it('an .npz with float32 and int64 inputs', async () => {
    const { bytes, inputs } = identityModel([signature('x', 'float32', ['batch', 3]), signature('y', 'int64', ['batch'])]);
    const data = await openDataSet(join(FIXTURES, 'npz', 'deflated.npz'), { what: '--eval-data', inputs });
    assert.deepEqual(await runThrough(data, bytes, 4), { batches: 3, samples: 10 });
  });

  it('a folder of .npy files with symbolic dims', async () => {
    const { bytes, inputs } = identityModel([signature('image', 'float32', ['batch', 3, 'h', 'w'])]);
    const data = await openDataSet(sampleFolder(join(dir, 'npy'), 5, [3, 6, 5]), { what: '--eval-data', inputs });
    assert.deepEqual(await runThrough(data, bytes, 2), { batches: 3, samples: 5 });
  });

  it('random float16, bool, uint8 and int32 data', async () => {
    const { bytes, inputs } = identityModel([signature('h', 'float16', ['batch', 8]), signature('b', 'bool', ['batch', 2]), signature('u', 'uint8', ['batch', 'n']), signature('i', 'int32', [1, 4])]);
    const data = randomDataSet(inputs, { count: 3, seed: 1, inputShapes: { u: [1, 5] } });
    // The fixed batch dim of 'i' is 1: run at batch 1 (the benchmark skips other sizes for such a model).
    assert.deepEqual(await runThrough(data, bytes, 1), { batches: 3, samples: 3 });
  });

  it('a folder of images under the imagenet preset', async () => {
    const { bytes, inputs } = identityModel([signature('input', 'float32', ['batch', 3, 224, 224])]);
    const data = await openDataSet(join(FIXTURES, 'images'), { what: '--eval-data', inputs, preprocess: 'imagenet' });
    assert.deepEqual(await runThrough(data, bytes, 4), { batches: 2, samples: 6 });
  });
});
