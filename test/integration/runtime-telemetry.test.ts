// ONNX Runtime 1.30's Linux build starts Microsoft's 1DS telemetry uploader in every process that
// creates a session: it resolves mobile.events.data.microsoft.com (seen with strace) and leaves an
// empty $TMPDIR/mat-debug-<pid>.log behind. quantgate turns it off before ONNX Runtime loads, in
// the CLI's process and in every benchmark worker. The debug log is the visible trace of the
// uploader having started, so a run that leaves none proves it stayed off in every process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeModel } from '../../src/model/write.ts';
import { ROOT } from '../helpers/cli.ts';
import { gemmModel } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

/** The environment of a developer's shell: none of the CI markers ONNX Runtime turns telemetry off for. */
function plainEnvironment(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  for (const name of ['CI', 'GITHUB_ACTIONS', 'TF_BUILD', 'GITLAB_CI', 'CIRCLECI', 'TRAVIS', 'JENKINS_URL', 'CODEBUILD_BUILD_ID', 'BUILDKITE', 'TEAMCITY_VERSION', 'APPVEYOR', 'BITBUCKET_BUILD_NUMBER', 'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI', 'ORT_DISABLE_TELEMETRY', 'ORT_RUNNING_UNIT_TESTS']) {
    delete env[name];
  }
  return env;
}

describe('ONNX Runtime telemetry', () => {
  it('a run (calibration, accuracy and benchmark workers) starts no telemetry uploader: no mat-debug log in TMPDIR', { skip: process.platform !== 'linux' && 'the 1DS uploader ships in the Linux build' }, () => {
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const model = join(dir, 'gemm.onnx');
    writeModel(gemmModel(), model);
    const args = ['run', '--model', model, '--out', join(dir, 'out'), '--warmup-ms', '0', '--min-iterations', '2', '--min-time-ms', '0', '--batch-sizes', '1', '--quiet'];
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/index.ts'), ...args], { cwd: dir, env: plainEnvironment(tmp), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const traces = readdirSync(tmp).filter((f) => f.startsWith('mat-debug-'));
    assert.deepEqual(traces, [], `ONNX Runtime's telemetry started in ${traces.length} process(es)`);
  });
});
