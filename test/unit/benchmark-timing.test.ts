// The timed loop: it stops only when both minimums are met, and times each run. (Timers can fire
// up to a millisecond early against hrtime: libuv compares against a cached loop time.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeRound, warmUp } from '../../src/benchmark/timing.ts';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('timeRound', () => {
  it('runs exactly the minimum iterations when no minimum time is asked', async () => {
    let runs = 0;
    const round = await timeRound(async () => void (runs++, await tick()), 7, 0);
    assert.equal(runs, 7);
    assert.equal(round.samplesMs.length, 7);
  });

  it('keeps going until the minimum time has passed', async () => {
    const round = await timeRound(tick, 1, 25);
    assert.ok(round.wallMs >= 25, `${round.wallMs} ms`);
    assert.ok(round.samplesMs.length > 1);
  });

  it('keeps going until the minimum iterations are done, however long they take', async () => {
    const round = await timeRound(() => sleep(6), 4, 1);
    assert.equal(round.samplesMs.length, 4);
  });

  it('times each run, and the wall time covers them all', async () => {
    const delays = [2, 12, 4];
    let i = 0;
    const round = await timeRound(() => sleep(delays[i++]!), 3, 0);
    [...round.samplesMs].forEach((ms, k) => assert.ok(ms >= delays[k]! - 1.5 && ms < delays[k]! + 50, `run ${k}: ${ms} ms for a ${delays[k]} ms sleep`));
    const sum = round.samplesMs.reduce((a, b) => a + b, 0);
    assert.ok(round.wallMs >= sum, `${round.wallMs} < ${sum}`);
  });
});

describe('warmUp', () => {
  it('runs at least once, and for the time asked', async () => {
    let runs = 0;
    assert.equal(await warmUp(async () => void runs++, 0), 1);
    const start = performance.now();
    const n = await warmUp(tick, 15);
    assert.ok(performance.now() - start >= 15);
    assert.ok(n > 1);
  });
});
