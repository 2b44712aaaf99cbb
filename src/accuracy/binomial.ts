/**
 * Binomial probabilities without factorials: the mass function is built outward from its mode by
 * the ratio of neighbours, pmf(k+1)/pmf(k) = (n−k)/(k+1) · p/(1−p), and cut where it falls below
 * TAIL of the mode (far below what a 32-bit uniform can ever select), then normalised.
 */

const TAIL = 1e-18;

export interface Pmf {
  /** The value of `mass[0]`. */
  first: number;
  /** Probabilities of first, first+1, ...; they sum to 1. */
  mass: Float64Array;
}

export function binomialPmf(n: number, p: number): Pmf {
  if (n === 0 || p <= 0) return { first: 0, mass: Float64Array.of(1) };
  if (p >= 1) return { first: n, mass: Float64Array.of(1) };
  const odds = p / (1 - p);
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const above: number[] = [];
  for (let k = mode, v = 1; k < n; k++) {
    v *= ((n - k) / (k + 1)) * odds;
    if (v < TAIL) break;
    above.push(v);
  }
  const below: number[] = [];
  for (let k = mode, v = 1; k > 0; k--) {
    v *= k / ((n - k + 1) * odds);
    if (v < TAIL) break;
    below.push(v);
  }
  const mass = new Float64Array(below.length + 1 + above.length);
  let i = 0;
  for (let j = below.length - 1; j >= 0; j--) mass[i++] = below[j]!;
  mass[i++] = 1;
  for (const v of above) mass[i++] = v;
  let total = 0;
  for (const v of mass) total += v;
  for (let j = 0; j < mass.length; j++) mass[j] = mass[j]! / total;
  return { first: mode - below.length, mass };
}
