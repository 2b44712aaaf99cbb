// The intra-op thread count without --threads: ONNX Runtime's default (undefined) on a process
// that may use the whole machine; one thread per usable CPU on a confined one (taskset, a cpuset),
// said in the log; --threads always wins.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confinedThreads, intraOpThreads } from '../../src/environment/threads.ts';
import { MemoryLog } from '../../src/log.ts';

describe('intra-op threads', () => {
  it('leaves ONNX Runtime its default where the process may use every CPU', () => {
    assert.equal(confinedThreads(16, 16), undefined);
    const log = new MemoryLog();
    assert.equal(intraOpThreads(undefined, log, 2, 2), undefined);
    assert.deepEqual(log.lines, []);
  });

  it('gives a confined process one thread per CPU it may use, and says so', () => {
    assert.equal(confinedThreads(2, 16), 2);
    const log = new MemoryLog();
    assert.equal(intraOpThreads(undefined, log, 2, 16), 2);
    assert.match(log.lines.map((l) => l.message).join('\n'), /^threads: 2 \(this process may use 2 of the machine's 16 CPUs; set --threads to choose\)$/);
  });

  it('--threads wins, confined or not', () => {
    const log = new MemoryLog();
    assert.equal(intraOpThreads(4, log, 2, 16), 4);
    assert.deepEqual(log.lines, []);
  });
});
