// The action against a local server that speaks GitHub's REST API, the Actions results service and
// blob storage (test/helpers/github-server.ts): the real @actions/github and @actions/artifact
// clients, the entry run in its own process as the runner runs a node action (INPUT_* variables,
// GITHUB_EVENT_PATH with real payload shapes, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, the workspace as
// the working directory). No function of ours is mocked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/index.ts';
import { DataType } from '../../src/model/dtypes.ts';
import { writeModel } from '../../src/model/write.ts';
import { FakeGitHub, runtimeToken, type FakeRun } from '../helpers/github-server.ts';
import { seeded, smallCnn } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';
import { storedZip } from '../helpers/zip.ts';

const OWNER = 'acme';
const REPO = 'models';
const HERE = `${OWNER}/${REPO}`;
const ENTRY = join(import.meta.dirname, '..', 'helpers', 'action-entry.ts');

const workspace = tempDir();
writeModel(smallCnn(), join(workspace, 'cnn.onnx'));
const random = seeded(4);
mkdirSync(join(workspace, 'calib'));
writeFileSync(join(workspace, 'calib', 'c.npy'), encodeNpy({ dataType: DataType.FLOAT, dims: [8, 3, 16, 16], data: Float32Array.from({ length: 8 * 768 }, () => random() - 0.5) }));

const fast = { model: 'cnn.onnx', 'calibration-data': 'calib', 'warmup-ms': '10', 'min-iterations': '3', 'min-time-ms': '30', 'batch-sizes': '2' };

const github = new FakeGitHub();
let runCounter = 0;

function pushPayload(): object {
  return {
    ref: 'refs/heads/main',
    before: '0'.repeat(40),
    after: 'a'.repeat(40),
    repository: { id: 1, name: REPO, full_name: HERE, owner: { login: OWNER }, default_branch: 'main' },
    pusher: { name: 'dev' },
    sender: { login: 'dev' },
  };
}

function prPayload(number: number, headRepo: string): object {
  const repository = { id: 1, name: REPO, full_name: HERE, owner: { login: OWNER }, default_branch: 'main' };
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      state: 'open',
      base: { ref: 'main', sha: 'b'.repeat(40), repo: repository },
      head: { ref: 'feature', sha: 'c'.repeat(40), repo: { id: 2, name: REPO, full_name: headRepo, owner: { login: headRepo.split('/')[0] } } },
    },
    repository,
    sender: { login: headRepo.split('/')[0] },
  };
}

interface ActionRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  runId: number;
}

/** Parses GITHUB_OUTPUT's `name<<delimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]!] = m[3]!;
  return out;
}

/**
 * Runs the action once. Registers the run on the server first (a completed push run of
 * quantgate.yml when `event` is push, so a later pull request finds it).
 */
async function runAction(event: 'push' | 'pull_request' | 'pull_request_target', payload: object, inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
  const runId = 500 + ++runCounter;
  const backendId = `run-backend-${runId}`;
  if (event === 'push') {
    const run: FakeRun = {
      id: runId, run_number: runCounter, workflow: 'quantgate.yml', event: 'push', status: 'completed', conclusion: 'success',
      head_branch: 'main', head_sha: 'a'.repeat(40), head_repository: { full_name: HERE }, created_at: new Date(Date.UTC(2026, 0, 1, 0, runCounter)).toISOString(), backendId,
    };
    github.runs.push(run);
  }
  const dir = tempDir();
  const eventPath = join(dir, 'event.json');
  const outputs = join(dir, 'output');
  const summary = join(dir, 'summary');
  writeFileSync(eventPath, JSON.stringify(payload));
  writeFileSync(outputs, '');
  writeFileSync(summary, '');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(GITHUB_|ACTIONS_|RUNNER_|INPUT_)/.test(k)) env[k] = v;
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: HERE,
    GITHUB_REPOSITORY_OWNER: OWNER,
    GITHUB_REF: event === 'push' ? 'refs/heads/main' : `refs/pull/${(payload as { number: number }).number}/merge`,
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_NUMBER: String(runCounter),
    GITHUB_WORKFLOW: 'quantgate',
    GITHUB_WORKFLOW_REF: `${HERE}/.github/workflows/quantgate.yml@refs/heads/main`,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputs,
    GITHUB_STEP_SUMMARY: summary,
    ACTIONS_RESULTS_URL: `${github.url}/`,
    ACTIONS_RUNTIME_TOKEN: runtimeToken(backendId, `job-${runId}`),
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TEMP: dir,
    'INPUT_GITHUB-TOKEN': 'ghs_faketoken',
    INPUT_OUT: `out-${runId}`,
    ...extraEnv,
  });
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), ENTRY], { env, cwd: workspace });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, stdout, outputs: parseOutputs(readFileSync(outputs, 'utf8')), summary: readFileSync(summary, 'utf8'), runId };
}

const MARKER = '<!-- quantgate:cnn.onnx -->';
const comments = () => github.commentsOn(OWNER, REPO, 7);
const ours = () => comments().filter((c) => c.user.login === 'github-actions[bot]' && c.body.startsWith(MARKER));

describe('the action on GitHub (local protocol-level server)', () => {
  before(async () => {
    await github.start();
    // A busy pull request: 130 comments, so finding ours pages through the Link headers; one by a
    // person quotes the marker and must never be edited.
    for (let i = 0; i < 130; i++) github.addComment(OWNER, REPO, 7, `comment ${i}`, i % 2 ? 'alice' : 'renovate[bot]');
    github.addComment(OWNER, REPO, 7, `${MARKER}\nI copied the bot's marker`, 'mallory');
    // A fork's push run on a branch it named main, newer than anything, holding a poisoned baseline.
    const fork: FakeRun = {
      id: 999, run_number: 999, workflow: 'quantgate.yml', event: 'push', status: 'completed', conclusion: 'success',
      head_branch: 'main', head_sha: 'f'.repeat(40), head_repository: { full_name: 'mallory/models' }, created_at: '2030-01-01T00:00:00Z', backendId: 'fork-run',
    };
    github.runs.push(fork);
    github.putArtifact(fork, 'quantgate-cnn-baseline', storedZip({ 'results.json': '{"schemaVersion":1,"poisoned":true}' }));
  });
  after(() => github.stop());

  it('a push run on the default branch uploads the output folder and stores the baseline', async () => {
    const r = await runAction('push', pushPayload(), fast);
    assert.equal(r.code, 0, r.stdout);
    const uploaded = github.artifactsOf(`run-backend-${r.runId}`);
    assert.deepEqual(uploaded.map((a) => a.name).sort(), ['quantgate-cnn', 'quantgate-cnn-baseline']);
    assert.equal(r.outputs['artifact-id'], String(uploaded.find((a) => a.name === 'quantgate-cnn')!.id));
    assert.match(r.outputs['baseline-source']!, /^none \(the stored baseline is read on pull requests; this is a push run\)$/);
    // The zip went through block upload and holds the run's files.
    const zip = github.zipOf(uploaded.find((a) => a.name === 'quantgate-cnn')!);
    assert.ok(zip.includes(Buffer.from('results.json')) && zip.includes(Buffer.from('report.md')) && zip.includes(Buffer.from('cnn.int8.ort.onnx')));
    assert.ok(github.requests.some((q) => q.method === 'PUT' && q.query.get('comp') === 'blocklist'));
    assert.match(r.summary, /^<!-- quantgate:cnn\.onnx -->/);
    assert.equal(comments().length, 131, 'a push run posts no comment');
  });

  it("a pull request's first run compares with the stored baseline and creates the comment after a 502", async () => {
    github.fail({ method: 'POST', path: /\/issues\/7\/comments$/, status: 502 });
    const r = await runAction('pull_request', prPayload(7, HERE), fast);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.outputs['baseline-source']!, /^stored baseline from run #1 \(push to main, aaaaaaa\)$/);
    const posts = github.requests.filter((q) => q.method === 'POST' && /\/issues\/7\/comments$/.test(q.path)).map((q) => q.status);
    assert.deepEqual(posts, [502, 201]);
    assert.match(r.stdout, /answered 502; try 2 of 5/);
    assert.equal(ours().length, 1);
    const body = ours()[0]!.body;
    assert.equal(r.outputs['comment-url'], ours()[0]!.html_url);
    assert.match(body, /^<!-- quantgate:cnn\.onnx -->\n<!-- quantgate-state:[A-Za-z0-9_-]+ -->\n/);
    assert.match(body, /the stored baseline \(run #1/);
    assert.ok(body.length < 65_536);
    // Paged: the comment list was read across pages (per_page 100, 131 comments).
    assert.ok(github.requests.some((q) => q.method === 'GET' && /\/issues\/7\/comments$/.test(q.path) && q.query.get('page') === '2'));
    // The fork's newer run that named its branch main was never opened.
    assert.ok(!github.requests.some((q) => q.path.includes('/actions/runs/999/')));
    assert.equal(github.commentsOn(OWNER, REPO, 7).find((c) => c.user.login === 'mallory')!.body, `${MARKER}\nI copied the bot's marker`);
    assert.match(r.summary, /^<!-- quantgate:cnn\.onnx -->/);
  });

  it('the second run edits the same comment', async () => {
    const before = ours()[0]!;
    const firstBody = before.body;
    before.body = `${MARKER}\nstale`;
    const r = await runAction('pull_request', prPayload(7, HERE), fast);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(ours().length, 1);
    assert.equal(ours()[0]!.id, before.id);
    assert.notEqual(ours()[0]!.body, `${MARKER}\nstale`);
    assert.equal(ours()[0]!.body.split('\n')[1], firstBody.split('\n')[1], 'the same results store the same state');
    assert.ok(github.requests.some((q) => q.method === 'PATCH' && q.path.endsWith(`/issues/comments/${before.id}`)));
  });

  it('comment: on-change leaves the comment alone when nothing changed beyond noise', async () => {
    const patches = () => github.requests.filter((q) => q.method === 'PATCH').length;
    const count = patches();
    const r = await runAction('pull_request', prPayload(7, HERE), { ...fast, comment: 'on-change' });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(patches(), count);
    assert.match(r.stdout, /comment left as it is \(comment: on-change/);
    assert.equal(r.outputs['comment-url'], ours()[0]!.html_url);
  });

  it('a fork pull request on a self-hosted runner is refused before anything runs', async () => {
    const seen = github.requests.length;
    const r = await runAction('pull_request', prPayload(8, 'mallory/models'), fast, { RUNNER_ENVIRONMENT: 'self-hosted' });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /::error::refusing to run pull request #8 from the fork mallory\/models on a self-hosted runner: the runner would load a stranger's model and run its export command%0A {2}fix: .*set action input 'allow-fork-prs' to true/);
    assert.equal(github.requests.length, seen, 'nothing was asked of GitHub');
    assert.equal(github.commentsOn(OWNER, REPO, 8).length, 0);
    assert.ok(!existsSync(join(workspace, `out-${r.runId}`)), 'nothing ran');
  });

  it('a 403 on the comment leaves results, summary and outputs intact and says why', async () => {
    github.fail({ method: 'POST', path: /\/issues\/9\/comments$/, status: 403, body: { message: 'Resource not accessible by integration' }, times: Infinity });
    const r = await runAction('pull_request', prPayload(9, 'someone/models'), fast);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.outputs.verdict, 'pass');
    assert.ok(existsSync(r.outputs.results!));
    assert.ok(r.outputs['artifact-id']);
    assert.equal(r.outputs['comment-url'], '');
    assert.match(r.summary, /^<!-- quantgate:cnn\.onnx -->/);
    assert.match(r.stdout, /::warning::the pull-request comment was refused \(403\): this token cannot write to pull request #9 \(a pull request from a fork gets a read-only token\)\. The results, job summary and outputs are complete; to comment on fork pull requests, post the comment from a second workflow that runs on workflow_run/);
    assert.equal(github.requests.filter((q) => q.status === 403).length, 1, 'a plain 403 is not retried');
  });

  for (const [what, setUp, expected] of [
    ['missing', () => {}, /no stored baseline yet: none of the last 0 push runs of nobaseline\.yml on main uploaded quantgate-cnn-baseline/],
    ['expired', (run: FakeRun) => github.putArtifact(run, 'quantgate-cnn-baseline', storedZip({ 'results.json': '{}' }), true), /the artifact quantgate-cnn-baseline of run #\d+ on main has expired/],
    ['corrupt', (run: FakeRun) => github.putArtifact(run, 'quantgate-cnn-baseline', storedZip({ 'results.json': '{"schemaVersion":1,' }), false), /the stored baseline of run #\d+ \(push to main, eeeeeee\) is not JSON/],
    // Not a zip at all: one line at once (the artifact client would retry it for 25 s).
    ['unzippable', (run: FakeRun) => github.putArtifact(run, 'quantgate-cnn-baseline', Buffer.from('PK\u0003\u0004 not really a zip'), false), /the stored baseline of run #\d+ \(push to main, eeeeeee\) is corrupt: its zip could not be read/],
    ['of another schema version', (run: FakeRun) => github.putArtifact(run, 'quantgate-cnn-baseline', storedZip({ 'results.json': '{"schemaVersion":2}' }), false), /has schemaVersion 2; this quantgate reads schemaVersion 1/],
  ] as const) {
    it(`a stored baseline that is ${what} is one line, and the run goes on`, async () => {
      const workflow = `${what === 'missing' ? 'nobaseline' : what.split(' ')[0]}.yml`;
      if (what !== 'missing') {
        const run: FakeRun = {
          id: 700 + github.runs.length, run_number: 70 + github.runs.length, workflow, event: 'push', status: 'completed', conclusion: 'success',
          head_branch: 'main', head_sha: 'e'.repeat(40), head_repository: { full_name: HERE }, created_at: '2026-02-01T00:00:00Z', backendId: `b-${workflow}`,
        };
        github.runs.push(run);
        setUp(run);
      }
      const r = await runAction('pull_request', prPayload(10, HERE), { ...fast, 'baseline-workflow': workflow });
      assert.equal(r.code, 0, r.stdout);
      assert.doesNotMatch(r.stdout, /Retrying in 5 seconds/, 'a damaged download is not retried');
      assert.ok(r.outputs["baseline-source"]!.startsWith("none (")); assert.match(r.outputs["baseline-source"]!, expected);
      const notes = github.commentsOn(OWNER, REPO, 10).at(-1)!.body.split('\n').filter((l) => l.startsWith('> **Baseline:**'));
      assert.equal(notes.length, 1);
      assert.match(notes[0]!.replace(/\\/g, ''), expected);
      assert.match(r.summary, /> \*\*Baseline:\*\*/);
      assert.equal(r.outputs.verdict, 'pass');
    });
  }

  it('a missing token with commenting on is one message, after the results were published', async () => {
    const r = await runAction('pull_request', prPayload(11, HERE), { ...fast, 'baseline-from': 'none' }, { 'INPUT_GITHUB-TOKEN': '' });
    assert.equal(r.code, 1);
    assert.equal(r.stdout.match(/::error::/g)?.length, 1, r.stdout);
    assert.match(r.stdout, /::error::action input 'comment' is on but action input 'github-token' is empty, so the pull-request comment cannot be posted%0A {2}fix: give action input 'github-token' a token with pull-requests: write/);
    assert.equal(r.outputs.verdict, 'pass');
    assert.ok(r.outputs['artifact-id']);
    assert.match(r.summary, /^<!-- quantgate:cnn\.onnx -->/);
  });

  it('a failure naming a hostile path reaches the log without ESC or bidi controls', async () => {
    const r = await runAction('push', pushPayload(), { ...fast, model: 'evil\u001b[2J\u202e.onnx' });
    assert.equal(r.code, 1);
    assert.equal(r.stdout.match(/::error::/g)?.length, 1, r.stdout);
    assert.match(r.stdout, /::error::.*evil/);
    // The artifact's default name keeps only letters, digits, '.', '_' and '-' of the file name.
    assert.match(r.stdout, /Uploading artifact: quantgate-evil-2J\.zip/);
    assert.deepEqual(r.stdout.split('\n').filter((l) => /[\u001b\u202e]/.test(l)), [], 'no raw ESC or RLO in the log');
  });

  it('off a runner (GITHUB_ACTIONS is not true) the local publisher posts and uploads nothing, and says so', async () => {
    const seen = github.requests.length;
    const r = await runAction('pull_request', prPayload(12, HERE), { ...fast, 'baseline-from': 'none' }, { GITHUB_ACTIONS: 'false' });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(github.requests.length, seen);
    assert.match(r.stdout, /publishing to local \(not on a GitHub Actions runner: GITHUB_ACTIONS is not true\)/);
    assert.match(r.stdout, /::warning::the artifact quantgate-cnn was not uploaded: local run: the artifact quantgate-cnn \(\d+ files\) is not uploaded; the files stay on disk/);
    assert.match(r.stdout, /local run: the comment 'cnn\.onnx' is not posted/);
    assert.equal(r.summary, '');
    assert.equal(r.outputs.verdict, 'pass');
  });
});
