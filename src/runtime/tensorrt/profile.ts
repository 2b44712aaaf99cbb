/**
 * The optimisation profile an engine is built with, from the shapes the pipeline says each input
 * will take (backend.ts InputShapes: every timed batch size and the accuracy stage's batches).
 *
 * One profile per engine, min/opt/max per dynamic input, opt at the largest timed batch: every
 * batch size then runs on the same engine, so a model is built once per run whatever the number
 * of batch sizes, and the accuracy stage scores the engine that was timed. The cost: TensorRT
 * tunes its kernels for opt, so a batch far below it may run slower than on an engine built for
 * it alone (results.json records the profile in each row's settings).
 */
import type { InputShapes } from '../backend.js';
import type { ShapeRange } from './binding.js';

/** The profiles to build with; undefined when no input is dynamic. */
export function profilesFor(shapes: InputShapes | undefined): ShapeRange[][] | undefined {
  const ranges = Object.entries(shapes ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([input, r]) => ({ input, min: [...r.min], opt: [...r.opt], max: [...r.max] }));
  return ranges.length > 0 ? [ranges] : undefined;
}

const dims = (d: number[]) => d.join('x');

/** "batch 1–32, opt 32" when only the batch varies, else each input's range; null without a profile. */
export function describeProfile(shapes: InputShapes | undefined): string | null {
  const ranges = Object.entries(shapes ?? {});
  if (ranges.length === 0) return null;
  const onlyBatch = ranges.every(([, r]) => r.min.slice(1).every((d, i) => d === r.opt[i + 1] && d === r.max[i + 1]));
  const batches = new Set(ranges.map(([, r]) => `${r.min[0]}|${r.opt[0]}|${r.max[0]}`));
  if (onlyBatch && batches.size === 1) {
    const [, r] = ranges[0]!;
    return r.min[0] === r.max[0] ? `batch ${r.min[0]}` : `batch ${r.min[0]}–${r.max[0]}, opt ${r.opt[0]}`;
  }
  return ranges
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([input, r]) => `${input} ${dims(r.min)}–${dims(r.max)}, opt ${dims(r.opt)}`)
    .join('; ');
}
