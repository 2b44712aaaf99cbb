// The pipeline's real host: interruptions call the pipeline's handlers, then end the process with
// the shell's status for the signal; the export command's shell hands over its lines and status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processInterrupts, spawnShell } from '../../src/pipeline/process-host.ts';

describe('processInterrupts', () => {
  it('runs every handler, then exits 130 for SIGINT and 143 for SIGTERM; listens only while a handler is registered', () => {
    const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    const exits: number[] = [];
    const seen: string[] = [];
    const interrupts = processInterrupts((code) => exits.push(code));
    const stopA = interrupts.onInterrupt((signal) => seen.push(`a ${signal}`));
    const stopB = interrupts.onInterrupt((signal) => seen.push(`b ${signal}`));
    assert.equal(process.listenerCount('SIGTERM'), before.SIGTERM + 1);
    process.emit('SIGTERM', 'SIGTERM');
    stopA();
    process.emit('SIGINT', 'SIGINT');
    assert.deepEqual(seen, ['a SIGTERM', 'b SIGTERM', 'b SIGINT']);
    assert.deepEqual(exits, [143, 130]);
    stopB();
    assert.deepEqual({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') }, before);
  });
});

describe('spawnShell', () => {
  it('runs the command in a shell in the folder given, line by line from both streams, with its status', async () => {
    const lines: string[] = [];
    const result = await spawnShell('echo "in $(pwd)"; echo oops >&2; exit 3', { cwd: '/', onLine: (l) => lines.push(l) });
    assert.deepEqual(result, { code: 3, signal: null });
    assert.deepEqual(lines.sort(), ['in /', 'oops']);
  });
});
