/**
 * Timing candidate models against each other on this CPU, interleaved: every round runs each
 * candidate for a few iterations, in alternating order, so a neighbour that slows the machine
 * slows all sides of a round alike. The figure is the paired median of per-round p50 ratios over
 * the quiet rounds (src/compare/paired.ts), as the report's speedups are.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { ModelProto } from 'onnx-buf';
import { percentile } from '../../benchmark/statistics.js';
import { medianWithInterval, quietRounds, type PairedRatio } from '../../compare/paired.js';
import type { Batch } from '../../data/types.js';
import type { OnnxModel } from '../../model/model.js';
import { loadOrt } from '../../runtime/onnxruntime/load.js';
import { hostToOrt } from '../../runtime/onnxruntime/tensor.js';
import { nonTensorValues } from '../../model/value-kinds.js';
import { openEditedSession } from '../session.js';

export interface TimingBudget {
  rounds: number;
  iterations: number;
  threads?: number;
}

/** The graph outputs a session can return: onnxruntime-node cannot return a sequence or a map (a ZipMap's output). */
function tensorOutputs(proto: ModelProto): string[] {
  const nonTensor = nonTensorValues(proto.graph!);
  return proto.graph!.output.map((o) => o.name).filter((name) => !nonTensor.has(name));
}

/** The ratio time(candidate) / time(reference), paired over interleaved rounds. */
export async function pairedTimeRatio(candidate: ModelProto, reference: ModelProto, source: OnnxModel, batch: Batch, budget: TimingBudget): Promise<PairedRatio> {
  const ort = await loadOrt();
  const feeds = Object.fromEntries(Object.entries(batch.feeds).map(([k, v]) => [k, hostToOrt(ort, v)]));
  // The two sessions take turns: each one's threads park when its run returns, so that they do
  // not spin on the cores while the other is timed (the benchmark's interleaved sessions do the same).
  const options = { ...(budget.threads ? { threads: budget.threads } : {}), stopSpinningAfterRun: true };
  const a = await openEditedSession(candidate, source, options);
  const b = await openEditedSession(reference, source, options);
  const [aOutputs, bOutputs] = [tensorOutputs(candidate), tensorOutputs(reference)];
  try {
    const time = async (session: InferenceSession, outputs: string[]) => {
      await session.run(feeds, outputs);
      const ms: number[] = [];
      for (let i = 0; i < budget.iterations; i++) {
        const t = performance.now();
        await session.run(feeds, outputs);
        ms.push(performance.now() - t);
      }
      return percentile(Float64Array.from(ms).sort(), 50);
    };
    const pa: number[] = [];
    const pb: number[] = [];
    for (let r = 0; r < budget.rounds; r++) {
      if (r % 2 === 0) {
        pa.push(await time(a.session, aOutputs));
        pb.push(await time(b.session, bOutputs));
      } else {
        pb.push(await time(b.session, bOutputs));
        pa.push(await time(a.session, aOutputs));
      }
    }
    const kept = quietRounds(pa, pb);
    const ratio = medianWithInterval(kept.map((i) => pa[i]! / pb[i]!))!;
    return { ...ratio, of: budget.rounds };
  } finally {
    await a.dispose();
    await b.dispose();
  }
}
