/**
 * Whether an accuracy loss and its bootstrap interval can tell the gate's limit apart at this
 * sample size. The gate itself compares the point value (the contracts say so, and a gate must
 * decide); this says how much that decision is worth. On 1,000 images a top-1 point is within
 * noise: the interval of a 0.6 pp loss spans the 1 pp limit, and the report says so.
 */

export type Resolution =
  /** The whole interval lies below the limit: the loss passes it beyond doubt. */
  | 'below'
  /** The whole interval lies above the limit: the loss is real and over it. */
  | 'above'
  /** The limit lies inside the interval: more samples are needed to know. */
  | 'unresolved';

export interface LimitResolution {
  resolution: Resolution;
  /**
   * For an unresolved limit: about how many paired samples would resolve it if the loss stayed
   * where it is (the interval narrows as 1/√n). Null when resolved, or when the loss sits on the
   * limit (no sample size resolves that).
   */
  samplesNeeded: number | null;
}

/** Rounds up to two significant digits: 12,340 → 13,000. */
function roundUpNicely(n: number): number {
  if (n < 100) return Math.ceil(n);
  const magnitude = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / magnitude) * magnitude;
}

export function resolveLimit(lossPp: number, ci: readonly [number, number], limitPp: number, samples: number): LimitResolution {
  const [lo, hi] = ci;
  if (hi < limitPp) return { resolution: 'below', samplesNeeded: null };
  if (lo > limitPp) return { resolution: 'above', samplesNeeded: null };
  const gap = Math.abs(limitPp - lossPp);
  // The side of the interval that faces the limit: bootstrap intervals need not be symmetric.
  const side = limitPp >= lossPp ? hi - lossPp : lossPp - lo;
  if (gap === 0 || side <= 0 || samples <= 0) return { resolution: 'unresolved', samplesNeeded: null };
  return { resolution: 'unresolved', samplesNeeded: roundUpNicely(samples * (side / gap) ** 2) };
}
