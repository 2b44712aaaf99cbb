// What surrounds a run rather than its model: the --out folder (a file, an unwritable folder, a
// folder another run is using) and the streams its messages go to (a pipe closed early, as
// `quantgate run … | head -2` closes it). Each --out problem is bad input found before anything
// runs; a closed pipe changes nothing about the run, its files or its exit status.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/index.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { writeModel } from '../../src/model/write.ts';
import { LOCK_FILE } from '../../src/pipeline/out-lock.ts';
import { cli, ROOT } from '../helpers/cli.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const model = join(dir, 'gemm.onnx');
writeModel(gemmModel(), model);
const fast = ['--warmup-ms', '0', '--min-iterations', '2', '--min-time-ms', '0', '--batch-sizes', '1'];
const cliArgs = (args: string[]) => ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/index.ts'), ...args];

describe('--out', () => {
  it('a file where the folder should be is bad input before anything runs', async () => {
    const file = join(dir, 'taken');
    writeFileSync(file, 'not a folder');
    const r = await cli(['run', '--model', model, '--out', file, ...fast, '--quiet']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out .*taken: is a file, not a folder/);
    assert.match(r.stderr, /fix: /);
  });

  it('quantize --out a file is bad input too', async () => {
    writeFileSync(join(dir, 'taken'), 'not a folder');
    const calibration = join(dir, 'calibration.npy');
    writeFileSync(calibration, encodeNpy({ dataType: DataType.FLOAT, dims: [4, 8], data: new Float32Array(32) }));
    const r = await cli(['quantize', '--model', model, '--calibration-data', calibration, '--out', join(dir, 'taken'), '--quiet']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out .*taken: is a file, not a folder/);
  });

  it('a folder under a file is bad input', async () => {
    const r = await cli(['run', '--model', model, '--out', join(dir, 'taken', 'sub'), ...fast, '--quiet']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out .*sub: /);
  });

  it('a folder quantgate may not write into is bad input', { skip: process.getuid?.() === 0 && 'root writes into any folder; run as another user to test permissions' }, async () => {
    const locked = join(dir, 'read-only');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const r = await cli(['run', '--model', model, '--out', join(locked, 'out'), ...fast, '--quiet']);
    chmodSync(locked, 0o755);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out .*: cannot (create|write)/);
  });

  it('a folder the system refuses (sysfs) is bad input', { skip: process.platform !== 'linux' && 'sysfs is Linux' }, async () => {
    const r = await cli(['run', '--model', model, '--out', '/sys/quantgate-test-out', ...fast, '--quiet']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out \/sys\/quantgate-test-out: cannot create/);
  });
});

describe('two runs on the same --out', () => {
  it('the second is refused while the first holds the folder; the first finishes untouched', async () => {
    const out = join(dir, 'shared-out');
    const slow = join(dir, 'slow.onnx');
    // The first run's export step holds it for a while before the model exists.
    const first = spawn(process.execPath, cliArgs(['run', '--model', slow, '--export-command', `sleep 4 && cp ${model} ${slow}`, '--out', out, ...fast, '--quiet']), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstErr = '';
    first.stderr.on('data', (d: Buffer) => (firstErr += d.toString()));
    const firstDone = new Promise<number | null>((resolve) => first.on('close', resolve));
    // Wait until the first run has claimed the folder.
    for (let i = 0; i < 100 && !existsSync(join(out, LOCK_FILE)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(join(out, LOCK_FILE)), 'the first run took the lock');
    const lock = JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8')) as { pid: number; started: string };
    assert.equal(lock.pid, first.pid);
    assert.ok(lock.started);

    const second = await cli(['run', '--model', model, '--out', out, ...fast, '--quiet']);
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, new RegExp(`--out .*shared-out: another quantgate run \\(pid ${first.pid}, started .*\\) is using it`));
    assert.match(second.stderr, /fix: .*another --out/);

    assert.equal(await firstDone, 0, firstErr);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { model: { path: string } };
    assert.match(results.model.path, /slow\.onnx$/, "the first run's results describe the first run's model");
    assert.ok(!existsSync(join(out, LOCK_FILE)), 'the lock is released when the run ends');
  });

  it('a stale lock left by a process that died is taken over', async () => {
    const out = join(dir, 'stale-out');
    mkdirSync(out);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: Number(dead.stdout), started: 'linux:1', host: hostname() }));
    const r = await cli(['run', '--model', model, '--out', out, ...fast, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(out, 'results.json')));
    assert.ok(!existsSync(join(out, LOCK_FILE)));
  });
});

describe('a closed stdout or stderr pipe', () => {
  it('the run finishes, writes its files and exits with its own verdict', async () => {
    const out = join(dir, 'piped-out');
    const child = spawn(process.execPath, cliArgs(['run', '--model', model, '--out', out, ...fast, '--verbose']), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the run writes anything, as `| head -2` does after two lines.
    child.stdout.destroy();
    child.stderr.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
    assert.ok(existsSync(join(out, 'results.json')));
    assert.ok(existsSync(join(out, 'report.md')));
  });
});
