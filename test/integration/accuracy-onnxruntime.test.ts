// Accuracy scoring on real outputs of onnxruntime-node: an FP32 model and a candidate with its
// weights rounded to the int8 grid, run batch by batch, scored by the streaming scorers, and
// checked against values the test computes its own way from all outputs at once.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { toBinary } from '@bufbuild/protobuf';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { type ModelProto, ModelProtoSchema, TensorProto_DataType as DataType } from 'onnx-buf';
import type { HostTensor } from '../../src/data/types.ts';
import { FidelityScorer } from '../../src/accuracy/fidelity.ts';
import { LabelledScorer } from '../../src/accuracy/labelled.ts';
import { accuracyLoss } from '../../src/accuracy/loss.ts';
import { selectOutput } from '../../src/accuracy/output.ts';
import { graph, model, node, valueInfo } from '../../src/model/build.ts';
import { modelSignature } from '../../src/model/signature.ts';
import { halfToFloat, makeTensor } from '../../src/model/tensor.ts';
import { type Ort, loadOrt } from '../../src/runtime/onnxruntime/load.ts';
import { seeded } from '../helpers/models.ts';

const FEATURES = 16;
const CLASSES = 10;
const SAMPLES = 600;
const BATCH = 64;

/** Rounds each row of a [rows, cols] matrix to a symmetric grid of ±levels steps (int8: 127). */
function int8Grid(w: Float32Array, rows: number, levels = 127): Float32Array {
  const cols = w.length / rows;
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(w[r * cols + c]!));
    const scale = max / levels;
    for (let c = 0; c < cols; c++) out[r * cols + c] = Math.round(w[r * cols + c]! / scale) * scale;
  }
  return out;
}

function classifier(w: Float32Array, b: Float32Array): ModelProto {
  return model(
      graph({
        nodes: [
          node('Gemm', ['x', 'w', 'b'], ['logits'], { attributes: { transB: 1 } }),
          node('Softmax', ['logits'], ['probs'], { attributes: { axis: 1 } }),
          node('Cast', ['logits'], ['logits16'], { attributes: { to: DataType.FLOAT16 } }),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, ['batch', FEATURES])],
        outputs: [
          valueInfo('logits', DataType.FLOAT, ['batch', CLASSES]),
          valueInfo('probs', DataType.FLOAT, ['batch', CLASSES]),
          valueInfo('logits16', DataType.FLOAT16, ['batch', CLASSES]),
        ],
        initializers: [makeTensor('w', DataType.FLOAT, [CLASSES, FEATURES], w), makeTensor('b', DataType.FLOAT, [CLASSES], b)],
      }),
  );
}

/** 1×1 convolution to 5 class maps [N, 5, 8, 8] and a sigmoid mask [N, 1, 8, 8]. */
function segmenter(w: Float32Array, wMask: Float32Array): Uint8Array {
  return toBinary(
    ModelProtoSchema,
    model(
      graph({
        nodes: [node('Conv', ['x', 'w'], ['map']), node('Conv', ['x', 'wm'], ['z']), node('Sigmoid', ['z'], ['mask'])],
        inputs: [valueInfo('x', DataType.FLOAT, ['batch', 3, 8, 8])],
        outputs: [valueInfo('map', DataType.FLOAT, ['batch', 5, 8, 8]), valueInfo('mask', DataType.FLOAT, ['batch', 1, 8, 8])],
        initializers: [makeTensor('w', DataType.FLOAT, [5, 3, 1, 1], w), makeTensor('wm', DataType.FLOAT, [1, 3, 1, 1], wMask)],
      }),
    ),
  );
}

const DATA_TYPES: Record<string, number> = { float32: DataType.FLOAT, float16: DataType.FLOAT16 };

function toHost(tensor: Tensor): HostTensor {
  return { dataType: DATA_TYPES[tensor.type]!, dims: [...tensor.dims], data: tensor.data as Float32Array | Uint16Array };
}

function asFloats(tensor: HostTensor): number[] {
  return tensor.dataType === DataType.FLOAT16 ? Array.from(tensor.data as Uint16Array, halfToFloat) : Array.from(tensor.data as Float32Array);
}

/** Runs a session over `inputs` (per-sample length `size`) in batches; yields each batch's outputs. */
async function* batches(ort: Ort, session: InferenceSession, inputs: Float32Array, dims: number[]): AsyncGenerator<{ start: number; size: number; outputs: Record<string, HostTensor> }> {
  const size = dims.reduce((a, b) => a * b, 1);
  const total = inputs.length / size;
  for (let start = 0; start < total; start += BATCH) {
    const n = Math.min(BATCH, total - start);
    const x = new ort.Tensor('float32', inputs.slice(start * size, (start + n) * size), [n, ...dims]);
    const result = await session.run({ x });
    yield { start, size: n, outputs: Object.fromEntries(Object.entries(result).map(([k, v]) => [k, toHost(v)])) };
  }
}

/** The test's own scoring: full arrays, sort-based top-k, plain loops. */
function topK(rows: number[][], labels: Int32Array, k: number): boolean[] {
  return rows.map((row, i) => {
    const order = row.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    return order.slice(0, k).some(([, c]) => c === labels[i]);
  });
}

function rowsOf(values: number[], width: number): number[][] {
  return Array.from({ length: values.length / width }, (_, i) => values.slice(i * width, (i + 1) * width));
}

describe('accuracy on onnxruntime-node outputs', () => {
  let ort: Ort;
  const random = seeded(42);
  const w = Float32Array.from({ length: CLASSES * FEATURES }, () => random() - 0.5);
  const b = Float32Array.from({ length: CLASSES }, () => (random() - 0.5) * 0.1);
  const x = Float32Array.from({ length: SAMPLES * FEATURES }, () => (random() + random() + random() - 1.5) * 2);
  // Labels from a noisy teacher: the FP32 model is right on most samples, not all.
  const labels = new Int32Array(SAMPLES);
  for (let s = 0; s < SAMPLES; s++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < CLASSES; c++) {
      let z = b[c]! + (random() - 0.5) * 1.5;
      for (let f = 0; f < FEATURES; f++) z += w[c * FEATURES + f]! * x[s * FEATURES + f]!;
      if (z > bestScore) [best, bestScore] = [c, z];
    }
    labels[s] = best;
  }
  const fp32Model = classifier(w, b);
  let fp32: InferenceSession;
  let coarse: InferenceSession;

  before(async () => {
    ort = await loadOrt();
    fp32 = await ort.InferenceSession.create(toBinary(ModelProtoSchema, fp32Model));
    // A 3-bit grid, coarse enough that some samples flip.
    coarse = await ort.InferenceSession.create(toBinary(ModelProtoSchema, classifier(int8Grid(w, CLASSES, 3), b)));
  });

  it('scores top-1, top-5 and the paired loss as a full-array computation does', async () => {
    const output = selectOutput(modelSignature(fp32Model).outputs);
    assert.equal(output, 'logits');
    const source = { source: 'labels (generated)', values: labels };
    const reference = new LabelledScorer(source, { output });
    const candidate = new LabelledScorer(source, { output });
    const fidelity = new FidelityScorer({ output, candidate: 'coarse' });
    const all = { fp32: [] as number[], int8: [] as number[] };
    const runB = batches(ort, coarse, x, [FEATURES]);
    for await (const a of batches(ort, fp32, x, [FEATURES])) {
      const { value: c } = await runB.next();
      const batch = { start: a.start, size: a.size };
      reference.add(a.outputs.logits!, batch);
      candidate.add(c!.outputs.logits!, batch);
      fidelity.add(a.outputs.logits!, c!.outputs.logits!, batch);
      all.fp32.push(...asFloats(a.outputs.logits!));
      all.int8.push(...asFloats(c!.outputs.logits!));
    }
    const [r, c] = [reference.result(), candidate.result()];
    const rows = { fp32: rowsOf(all.fp32, CLASSES), int8: rowsOf(all.int8, CLASSES) };
    const percent = (flags: boolean[]): number => (100 * flags.filter(Boolean).length) / flags.length;
    const expected = { fp32top1: topK(rows.fp32, labels, 1), int8top1: topK(rows.int8, labels, 1) };
    assert.equal(r.samples, SAMPLES);
    assert.equal(r.top1, percent(expected.fp32top1));
    assert.equal(r.top5, percent(topK(rows.fp32, labels, 5)));
    assert.equal(c.top1, percent(expected.int8top1));
    assert.equal(c.top5, percent(topK(rows.int8, labels, 5)));
    assert.ok(r.top1 > 50 && r.top1 < 100, `the teacher's noise leaves FP32 imperfect: ${r.top1}%`);

    const loss = accuracyLoss(r.outcomes, c.outcomes);
    const toWrong = expected.fp32top1.filter((ok, i) => ok && !expected.int8top1[i]).length;
    const toRight = expected.fp32top1.filter((ok, i) => !ok && expected.int8top1[i]).length;
    assert.ok(toWrong > 0 && toRight > 0, `the coarse grid flips samples both ways: ${toWrong}, ${toRight}`);
    assert.equal(loss.flippedToWrong, toWrong);
    assert.equal(loss.flippedToRight, toRight);
    // The same number computed two ways: equal up to floating-point rounding.
    assert.ok(Math.abs(loss.lossPp - (r.top1 - c.top1)) < 1e-9, `${loss.lossPp} vs ${r.top1 - c.top1}`);
    assert.ok(loss.ci[0] <= loss.lossPp && loss.lossPp <= loss.ci[1]);

    const f = fidelity.result();
    const argmax = (row: number[]): number => row.indexOf(Math.max(...row));
    const agree = rows.fp32.filter((row, i) => argmax(row) === argmax(rows.int8[i]!)).length;
    assert.equal(f.agreement, (100 * agree) / SAMPLES);
    let cosine = 0;
    let signal = 0;
    let noise = 0;
    rows.fp32.forEach((ref, i) => {
      const cand = rows.int8[i]!;
      const dot = ref.reduce((s, v, k) => s + v * cand[k]!, 0);
      const norms = Math.hypot(...ref) * Math.hypot(...cand);
      cosine += dot / norms / SAMPLES;
      signal += ref.reduce((s, v) => s + v * v, 0);
      noise += ref.reduce((s, v, k) => s + (v - cand[k]!) ** 2, 0);
    });
    assert.ok(Math.abs(f.cosine - cosine) < 1e-9, `cosine ${f.cosine} vs ${cosine}`);
    assert.ok(Math.abs(f.snrDb - 10 * Math.log10(signal / noise)) < 1e-6);
    assert.ok(f.cosine > 0.95 && f.snrDb > 10 && f.agreement < 100, `a 3-bit grid stays near: cosine ${f.cosine}, ${f.snrDb} dB`);
    console.log(
      `FP32 top-1 ${r.top1.toFixed(2)}%, 3-bit grid ${c.top1.toFixed(2)}%: loss ${loss.lossPp.toFixed(2)} pp [${loss.ci.map((v) => v.toFixed(2)).join(', ')}], ` +
        `${toWrong} to wrong, ${toRight} to right; agreement ${f.agreement.toFixed(2)}%, cosine ${f.cosine.toFixed(6)}, SNR ${f.snrDb.toFixed(1)} dB`,
    );
  });

  it('scores the float16 output of the same model against its float32 output', async () => {
    const fidelity = new FidelityScorer({ output: 'logits16', candidate: 'float16' });
    const labelled = new LabelledScorer({ source: 'labels', values: labels }, { output: 'logits16' });
    const reference = new LabelledScorer({ source: 'labels', values: labels }, { output: 'logits' });
    for await (const a of batches(ort, fp32, x, [FEATURES])) {
      assert.equal(a.outputs.logits16!.dataType, DataType.FLOAT16);
      fidelity.add(a.outputs.logits!, a.outputs.logits16!, a);
      labelled.add(a.outputs.logits16!, a);
      reference.add(a.outputs.logits!, a);
    }
    const f = fidelity.result();
    assert.ok(f.snrDb > 55 && f.snrDb < 90, `float16 rounding of logits: ${f.snrDb} dB`);
    assert.ok(f.agreement > 99, `${f.agreement}%`);
    const loss = accuracyLoss(reference.result().outcomes, labelled.result().outcomes);
    assert.ok(Math.abs(loss.lossPp) <= 0.5, `float16 logits lose almost nothing: ${loss.lossPp} pp`);
  });

  it('scores NCHW maps per pixel and a one-channel mask at 0.5 on real Conv outputs', async () => {
    const rnd = seeded(9);
    const wMap = Float32Array.from({ length: 15 }, () => rnd() - 0.5);
    const wMask = Float32Array.from({ length: 3 }, () => rnd() - 0.5);
    const images = Float32Array.from({ length: 40 * 3 * 64 }, () => rnd() * 4 - 2);
    const a = await ort.InferenceSession.create(segmenter(wMap, wMask));
    const c = await ort.InferenceSession.create(segmenter(int8Grid(wMap, 5), int8Grid(wMask, 1)));
    const maps = new FidelityScorer({ output: 'map' });
    const masks = new FidelityScorer({ output: 'mask' });
    let agreePixels = 0;
    let agreeMask = 0;
    const runC = batches(ort, c, images, [3, 8, 8]);
    for await (const ra of batches(ort, a, images, [3, 8, 8])) {
      const rc = (await runC.next()).value!;
      maps.add(ra.outputs.map!, rc.outputs.map!, ra);
      masks.add(ra.outputs.mask!, rc.outputs.mask!, ra);
      const [ma, mc] = [asFloats(ra.outputs.map!), asFloats(rc.outputs.map!)];
      for (let s = 0; s < ra.size; s++) {
        for (let p = 0; p < 64; p++) {
          const pick = (m: number[]): number => {
            let best = 0;
            for (let k = 1; k < 5; k++) if (m[(s * 5 + k) * 64 + p]! > m[(s * 5 + best) * 64 + p]!) best = k;
            return best;
          };
          if (pick(ma) === pick(mc)) agreePixels++;
        }
      }
      const [ka, kc] = [asFloats(ra.outputs.mask!), asFloats(rc.outputs.mask!)];
      ka.forEach((v, i) => (agreeMask += v > 0.5 === kc[i]! > 0.5 ? 1 : 0));
    }
    const fm = maps.result();
    assert.equal(fm.positions, 40 * 64);
    assert.equal(fm.agreement, (100 * agreePixels) / (40 * 64));
    assert.ok(fm.agreement > 95 && fm.agreement <= 100);
    const fk = masks.result();
    assert.equal(fk.classes, 1);
    assert.equal(fk.agreement, (100 * agreeMask) / (40 * 64));
  });
});
