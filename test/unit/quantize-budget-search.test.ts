// The accuracy budget's search over the sensitivity ranking: fewest nodes, counted evaluations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchAccuracyBudget } from '../../src/quantize/budget/search.ts';

const ranked = Array.from({ length: 40 }, (_, i) => `node${i}`);
/** A loss that falls as more of the most sensitive nodes stay in float: 4 pp, then −0.5 pp per node. */
const falling = async (kept: readonly string[]) => Math.max(0, 4 - 0.5 * kept.length);

describe('accuracy budget search', () => {
  it('finds the fewest most-sensitive nodes that meet the budget, in O(log n) evaluations', async () => {
    const calls: number[] = [];
    const out = await searchAccuracyBudget({ ranked, budgetPp: 1.6, evaluate: async (k) => (calls.push(k.length), falling(k)) });
    // 4 − 0.5k ≤ 1.6 ⇔ k ≥ 4.8: five nodes.
    assert.deepEqual(out.keptFloat, ['node0', 'node1', 'node2', 'node3', 'node4']);
    assert.equal(out.met, true);
    assert.equal(out.lossBeforePp, 4);
    assert.equal(out.lossAfterPp, 1.5);
    assert.equal(out.evaluations, calls.length);
    assert.deepEqual(calls, [0, 1, 2, 4, 8, 6, 5]);
    assert.deepEqual(out.trace.map((t) => t.nodes), calls);
  });

  it('already within budget: one evaluation, nothing kept in float', async () => {
    const out = await searchAccuracyBudget({ ranked, budgetPp: 5, evaluate: falling });
    assert.deepEqual(out, { keptFloat: [], lossBeforePp: 4, lossAfterPp: 4, met: true, evaluations: 1, trace: [{ nodes: 0, lossPp: 4 }] });
  });

  it('out of reach within maxNodes: not met, the best candidate seen, every evaluation counted', async () => {
    const out = await searchAccuracyBudget({ ranked, budgetPp: 0.1, evaluate: falling, maxNodes: 3 });
    assert.equal(out.met, false);
    assert.deepEqual(out.keptFloat, ['node0', 'node1', 'node2']);
    assert.equal(out.lossAfterPp, 2.5);
    assert.deepEqual(out.trace.map((t) => t.nodes), [0, 1, 2, 3]);
  });
});
