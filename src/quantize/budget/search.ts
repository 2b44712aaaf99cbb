/**
 * The accuracy budget's search (`--accuracy-budget PP`): the fewest of the most sensitive nodes to
 * keep in float until the loss on the search part is within the budget. Intel Neural Compressor's
 * accuracy-aware tuning is the anchor: candidates come from the sensitivity ranking (local SQNR,
 * worst first), and one evaluation is one pass of a candidate model over the search part.
 *
 * Keeping the k most sensitive nodes in float lowers the loss roughly monotonically in k, so the
 * search doubles k until the budget is met, then bisects between the last k that missed and the
 * first that met it: about 2·log2(k) + 1 evaluations, far fewer than one per node.
 */
export interface BudgetSearchInput {
  /** Node names, most sensitive first. */
  ranked: readonly string[];
  budgetPp: number;
  /** Loss (pp) of the model with these nodes in float, on the search part: one evaluation. */
  evaluate(keptFloat: readonly string[]): Promise<number>;
  /** At most this many nodes in float (default: all ranked). */
  maxNodes?: number;
}

export interface BudgetSearchOutcome {
  keptFloat: string[];
  lossBeforePp: number;
  lossAfterPp: number;
  met: boolean;
  evaluations: number;
  /** Every evaluation: how many nodes were kept in float and the loss. */
  trace: { nodes: number; lossPp: number }[];
}

export async function searchAccuracyBudget(input: BudgetSearchInput): Promise<BudgetSearchOutcome> {
  const limit = Math.min(input.maxNodes ?? input.ranked.length, input.ranked.length);
  const trace: BudgetSearchOutcome['trace'] = [];
  const losses = new Map<number, number>();
  const lossAt = async (k: number) => {
    const known = losses.get(k);
    if (known !== undefined) return known;
    const loss = await input.evaluate(input.ranked.slice(0, k));
    losses.set(k, loss);
    trace.push({ nodes: k, lossPp: loss });
    return loss;
  };
  const meets = (loss: number) => loss <= input.budgetPp;
  const before = await lossAt(0);
  const done = (k: number, met: boolean): BudgetSearchOutcome => ({
    keptFloat: input.ranked.slice(0, k),
    lossBeforePp: before,
    lossAfterPp: losses.get(k)!,
    met,
    evaluations: trace.length,
    trace,
  });
  if (meets(before) || limit === 0) return done(0, meets(before));

  // Double until met (or out of candidates).
  let missed = 0;
  let hit = -1;
  for (let k = 1; ; k = Math.min(k * 2, limit)) {
    if (meets(await lossAt(k))) {
      hit = k;
      break;
    }
    missed = k;
    if (k === limit) break;
  }
  if (hit < 0) {
    // Not reachable within the candidates: report the best seen.
    const best = [...losses].sort(([ka, a], [kb, b]) => a - b || ka - kb)[0]![0];
    return done(best, false);
  }
  // Bisect (missed, hit]: the smallest k that meets the budget.
  while (hit - missed > 1) {
    const mid = Math.floor((missed + hit) / 2);
    if (meets(await lossAt(mid))) hit = mid;
    else missed = mid;
  }
  return done(hit, true);
}
