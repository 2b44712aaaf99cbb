/**
 * Running statistics of one activation tensor over the calibration set: exact min and max, and a
 * histogram of |x| over [0, amax] whose range is fixed by a first pass (so bins never need to be
 * merged, unlike one-pass histograms that grow their range and blur the bins they already have).
 * Memory is one array of bins per tensor, whatever the number of samples.
 */

export const DEFAULT_BINS = 2048;

export class AbsHistogram {
  readonly counts: Float64Array;
  readonly binWidth: number;
  /** Values that were NaN or infinite: counted so the report can say so, never binned. */
  nonFinite = 0;

  constructor(
    /** The largest |x| the first pass saw: the histogram's upper edge. */
    readonly amax: number,
    bins = DEFAULT_BINS,
  ) {
    this.counts = new Float64Array(bins);
    this.binWidth = amax > 0 ? amax / bins : 1;
  }

  add(values: Float32Array): void {
    const counts = this.counts;
    const last = counts.length - 1;
    const inverse = 1 / this.binWidth;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const a = v < 0 ? -v : v;
      // True for NaN and ±Infinity alike.
      if (!(a < Infinity)) {
        this.nonFinite++;
        continue;
      }
      const bin = (a * inverse) | 0;
      counts[bin > last ? last : bin]!++;
    }
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }
}

/** Exact running min and max of a tensor (NaN ignored). */
export class MinMax {
  min = Infinity;
  max = -Infinity;

  add(min: number, max: number): void {
    if (min < this.min) this.min = min;
    if (max > this.max) this.max = max;
  }

  get amax(): number {
    return Math.max(Math.abs(this.min), Math.abs(this.max));
  }
}
