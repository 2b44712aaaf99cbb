// The ONNX Runtime flavour's rewrites onto faster int8 kernels (issue 11, glyphmobile): a
// single-channel stem becomes a depthwise convolution over its tiled input, and the mean that ends
// the convolutional part a depthwise convolution. Checked through the real ONNX Runtime: the
// kernels its optimizer picks, and the same outputs as the model written without the rewrites.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ModelProto } from 'onnx-buf';
import { MemoryLog } from '../../src/log.ts';
import { readModel } from '../../src/model/read.ts';
import { writeModel } from '../../src/model/write.ts';
import { quantizeModel } from '../../src/quantize/quantize.ts';
import { randomFloatDataSet } from '../helpers/data.ts';
import { grayscaleCnn, seeded } from '../helpers/models.ts';
import { maxAbsDiff, optimizedOpCounts, runFloat } from '../helpers/ort.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const settings = { method: 'minmax', percentile: 99.99, exclude: [], targetCpu: 'auto', inputShapes: {}, threads: 1, seed: 0, randomIntRange: [0, 100], mode: 'static', placement: 'rules' } as const;

async function quantize(proto: ModelProto, out: string, fitOrtKernels = true) {
  const modelPath = join(dir, `${out}.onnx`);
  writeModel(proto, modelPath);
  const log = new MemoryLog();
  const outcome = await quantizeModel({
    model: readModel(modelPath),
    data: randomFloatDataSet('input', [1, 16, 16], 16, { seed: 3 }),
    settings: settings as never,
    cpu: { arch: 'x64', vnni: true, dotprod: false, features: ['avx2', 'avx512_vnni'] },
    outDir: join(dir, out),
    log,
    sensitivitySamples: 0,
    fitOrtKernels,
  });
  return { outcome, log, nodes: readModel(outcome.files.ort).proto.graph!.node, trtNodes: readModel(outcome.files.trt!).proto.graph!.node };
}

const random = seeded(7);
const feeds = { input: { data: Float32Array.from({ length: 64 * 16 * 16 }, () => random() * 4 - 2), dims: [64, 1, 16, 16] } };

describe('ONNX Runtime flavour: rewrites onto faster int8 kernels', () => {
  it('a single-channel stem runs depthwise over its tiled input, the final mean as a depthwise convolution, with the same outputs', async () => {
    const fitted = await quantize(grayscaleCnn(), 'fitted');
    const plain = await quantize(grayscaleCnn(), 'plain', false);

    const tile = fitted.nodes.find((n) => n.opType === 'Tile');
    assert.ok(tile, 'a Tile in front of the stem');
    const quantizeInput = fitted.nodes.find((n) => n.output.includes(tile.input[0]!));
    assert.equal(quantizeInput?.opType, 'QuantizeLinear', 'the Tile copies the uint8 integers, not floats');
    const stem = fitted.nodes.find((n) => n.name === '/stem/Conv')!;
    assert.equal(Number(stem.attribute.find((a) => a.name === 'group')?.i), 8);
    const pool = fitted.nodes.find((n) => n.name === '/gap/GlobalAveragePool')!;
    assert.equal(pool.opType, 'Conv');
    assert.deepEqual(pool.attribute.find((a) => a.name === 'kernel_shape')?.ints.map(Number), [16, 16]);
    assert.match(fitted.log.lines.map((l) => l.message).join('\n'), /ONNX Runtime kernels: \/stem\/Conv depthwise over its tiled single-channel input; \/gap\/GlobalAveragePool as a depthwise mean convolution/);

    // What ONNX Runtime makes of each: three int8 convolutions and no int8 mean, against two and one.
    const fittedOps = await optimizedOpCounts(fitted.outcome.files.ort, dir);
    const plainOps = await optimizedOpCounts(plain.outcome.files.ort, dir);
    assert.equal(fittedOps['com.microsoft:QLinearConv'], 3);
    assert.equal(fittedOps['com.microsoft:QLinearGlobalAveragePool'], undefined);
    assert.equal(fittedOps['Tile'], 1);
    assert.equal(fittedOps['DequantizeLinear'], undefined, 'every DequantizeLinear fused, none left unread');
    assert.equal(plainOps['com.microsoft:QLinearConv'], 2);
    assert.equal(plainOps['com.microsoft:QLinearGlobalAveragePool'], 1);

    // The same weights and activation parameters: the outputs agree to float rounding.
    const a = await runFloat(fitted.outcome.files.ort, feeds);
    const b = await runFloat(plain.outcome.files.ort, feeds);
    assert.ok(maxAbsDiff(a, b) <= 1e-5, `max |difference| ${maxAbsDiff(a, b)}`);

    // The report counts the model's two convolutions, not the mean written as one.
    const counts = fitted.outcome.summary.models.find((m) => m.flavour === 'ort')!.quantized;
    assert.deepEqual(counts['Conv'], [2, 2]);
  });

  it('leaves the TensorRT flavour as it was', async () => {
    const { trtNodes } = await quantize(grayscaleCnn(), 'trt');
    assert.equal(trtNodes.filter((n) => n.opType === 'Tile').length, 0);
    assert.equal(trtNodes.filter((n) => n.opType === 'GlobalAveragePool').length, 1);
  });

  it('a strided single-channel stem is not tiled (the tiled input would outgrow its output)', async () => {
    const { nodes } = await quantize(grayscaleCnn({ stemStride: 2 }), 'strided');
    assert.equal(nodes.filter((n) => n.opType === 'Tile').length, 0);
    assert.equal(Number(nodes.find((n) => n.name === '/stem/Conv')!.attribute.find((a) => a.name === 'group')?.i ?? 1), 1);
  });

  it('a stem wider than 16 channels is not tiled (the Tile and its Transpose outgrow the gain)', async () => {
    const { nodes } = await quantize(grayscaleCnn({ width: 24 }), 'wide');
    assert.equal(nodes.filter((n) => n.opType === 'Tile').length, 0);
    assert.equal(nodes.find((n) => n.name === '/gap/GlobalAveragePool')!.opType, 'Conv', 'the mean is rewritten whatever the width');
  });

  it('a model whose spatial size is free keeps its GlobalAveragePool: the kernel size would fit one size only', async () => {
    const { nodes } = await quantize(grayscaleCnn({ freeSize: true }), 'free');
    assert.equal(nodes.find((n) => n.name === '/gap/GlobalAveragePool')!.opType, 'GlobalAveragePool');
    assert.equal(nodes.filter((n) => n.opType === 'Tile').length, 1, 'the stem rewrite needs no fixed size');
  });
});
