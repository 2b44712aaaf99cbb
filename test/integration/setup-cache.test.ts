// The action's setup step: native parts installed into a real tool cache (RUNNER_TOOL_CACHE in a
// temporary folder) by a real npm, from tarballs packed out of this checkout's node_modules
// (offline), so the first run installs and the second hits the cache; the pipeline's ESM bundle
// then resolves onnxruntime-node through the action folder's node_modules link and runs a model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gatherSetupFacts, pinnedVersions } from '../../src/setup/facts.ts';
import { folderInstaller, type Installer, SetupError } from '../../src/setup/install.ts';
import { cacheVersion, readableKey, TOOL_NAME } from '../../src/setup/key.ts';
import { linkNodeModules, setupNativeParts } from '../../src/setup/native.ts';
import { writeModel } from '../../src/model/write.ts';
import { ROOT } from '../helpers/cli.ts';
import { smallCnn } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('quantgate-setup-');
process.env.RUNNER_TOOL_CACHE = join(dir, 'toolcache');
process.env.RUNNER_TEMP = join(dir, 'runner-temp');
mkdirSync(process.env.RUNNER_TOOL_CACHE);
mkdirSync(process.env.RUNNER_TEMP);

// `npm pack` of the installed packages and everything they depend on (what the registry would
// serve, without a registry): npm offline cannot resolve a range without the registry's metadata,
// so every dependency comes as a tarball too and npm places those instead of fetching.
const tarballs = join(dir, 'tarballs');
mkdirSync(tarballs);
function closure(names: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const manifest = join(ROOT, 'node_modules', name, 'package.json');
    if (seen.has(name) || !existsSync(manifest)) return; // optional platform packages of other platforms
    seen.add(name);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
  };
  names.forEach(visit);
  return [...seen];
}
const packed = new Map<string, string>();
const packNames = closure(['onnxruntime-node', 'sharp']);
const pack = spawnSync('npm', ['pack', ...packNames.map((n) => join(ROOT, 'node_modules', n)), '--pack-destination', tarballs, '--json', '--ignore-scripts'], { encoding: 'utf8' });
assert.equal(pack.status, 0, pack.stderr);
(JSON.parse(pack.stdout) as { name: string; filename: string }[]).forEach((p) => packed.set(p.name, join(tarballs, p.filename)));

let installs = 0;
/** npm install --offline from the tarballs; their dependencies come from npm's cache (filled by npm ci). */
const tarballInstaller: Installer = (folder, specs) => {
  installs++;
  writeFileSync(join(folder, 'package.json'), '{"private": true}\n');
  for (const spec of specs) assert.ok(packed.has(spec.slice(0, spec.lastIndexOf('@'))), `no tarball for ${spec}`);
  const files = [...packed.values()];
  const r = spawnSync('npm', ['install', '--offline', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', ...files], { cwd: folder, encoding: 'utf8' });
  if (r.status !== 0) throw new SetupError(`npm install failed: ${r.stderr}`, 'run npm ci first (it fills the cache)');
};

/** This machine's facts (no GPU here: the addon is blocked with its reason). */
const facts = gatherSetupFacts(ROOT, {});

describe('native setup through the tool cache', () => {
  const actionRoot = join(dir, 'action');
  mkdirSync(join(actionRoot, 'dist'), { recursive: true });

  it('pins exactly the versions in package-lock.json', () => {
    const lock = readFileSync(join(ROOT, 'package-lock.json'), 'utf8');
    assert.deepEqual(pinnedVersions(lock, ['onnxruntime-node']), { 'onnxruntime-node': (JSON.parse(lock) as { packages: Record<string, { version: string }> }).packages['node_modules/onnxruntime-node']!.version });
    assert.throws(() => pinnedVersions(lock, ['not-a-dependency']), /pins no version of not-a-dependency/);
    assert.equal(facts.nodeAbi, process.versions.modules);
  });

  it('installs on the first run, says why optional parts are missing, and hits the cache on the second', async () => {
    const first = await setupNativeParts({ actionRoot, facts, installer: tarballInstaller });
    assert.equal(first.cacheHit, false);
    assert.equal(installs, 1);
    assert.equal(first.folder, join(process.env.RUNNER_TOOL_CACHE!, TOOL_NAME, cacheVersion(facts), process.arch));
    assert.ok(existsSync(`${first.folder}.complete`));
    assert.match(first.lines.join('\n'), /installed onnxruntime-node@[\d.]+, sharp@[\d.]+/);
    // Only this platform's ONNX Runtime binaries reach the cache.
    const bin = join(first.folder, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
    assert.deepEqual(readdirSync(bin), [process.platform]);
    assert.deepEqual(readdirSync(join(bin, process.platform)), [process.arch]);
    assert.match(first.lines.join('\n'), /left out onnxruntime-node's binaries for other platforms \(\d+ MB\)/);
    if (!facts.driver) {
      assert.match(first.lines.join('\n'), /ONNX Runtime's GPU providers: not installed: no NVIDIA driver/);
      assert.match(first.lines.join('\n'), /TensorRT addon: not built: no NVIDIA driver/);
    }
    assert.match(first.key, new RegExp(`node_abi ${process.versions.modules}, .*onnxruntime-node ${facts.pinned['onnxruntime-node']}`));

    const second = await setupNativeParts({ actionRoot, facts, installer: tarballInstaller });
    assert.equal(second.cacheHit, true);
    assert.equal(installs, 1, 'the second run installs nothing');
    assert.equal(second.folder, first.folder);
    assert.deepEqual(second.lines, first.lines, 'the log repeats what the cached install holds');
  });

  it('an ESM bundle in dist/ imports onnxruntime-node from the cache and runs a model', () => {
    writeModel(smallCnn(), join(dir, 'cnn.onnx'));
    const probe = join(actionRoot, 'dist', 'probe.mjs');
    writeFileSync(
      probe,
      `import * as ort from 'onnxruntime-node';
       const session = await ort.InferenceSession.create(${JSON.stringify(join(dir, 'cnn.onnx'))});
       const input = new ort.Tensor('float32', new Float32Array(2 * 3 * 16 * 16).fill(0.5), [2, 3, 16, 16]);
       const out = await session.run({ [session.inputNames[0]]: input });
       console.log(JSON.stringify({ resolved: import.meta.resolve('onnxruntime-node'), dims: out[session.outputNames[0]].dims }));`,
    );
    const env = { ...process.env };
    delete env.NODE_PATH;
    const r = spawnSync(process.execPath, [probe], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stderr}\n${spawnSync('ls', ['-la', actionRoot, join(actionRoot, 'node_modules/')], { encoding: 'utf8' }).stdout}`);
    const result = JSON.parse(r.stdout) as { resolved: string; dims: number[] };
    assert.deepEqual(result.dims, [2, 10]);
    // Resolved through the link; the file itself lies in the tool cache.
    assert.ok(realpathSync(new URL(result.resolved)).startsWith(realpathSync(process.env.RUNNER_TOOL_CACHE!)), result.resolved);
  });

  it('another TensorRT or CUDA is another key: a miss, installed again', async () => {
    const other = { ...facts, tensorrt: '10.13.0', cuda: { version: '12.9', from: 'headers' as const } };
    assert.notEqual(cacheVersion(other), cacheVersion(facts));
    assert.match(readableKey(other), /cuda 12\.9 \(headers\), tensorrt 10\.13\.0/);
  });

  it('a failed install leaves nothing in the cache, and the next run tries again', async () => {
    const other = { ...facts, quantgateVersion: '9.9.9' };
    const failing: Installer = () => {
      throw new SetupError('npm could not be started (spawn npm ENOENT)', 'install Node.js with npm on the runner');
    };
    await assert.rejects(setupNativeParts({ actionRoot: join(dir, 'other-action'), facts: other, installer: failing }), /npm could not be started/);
    assert.equal(existsSync(join(process.env.RUNNER_TOOL_CACHE!, TOOL_NAME, cacheVersion(other))), false);
  });

  it('an air-gapped runner installs from QUANTGATE_NATIVE_FROM, and a version other than the pinned one is refused', async () => {
    const offline = { ...facts, quantgateVersion: '8.8.8' };
    mkdirSync(join(dir, 'offline-action'));
    const outcome = await setupNativeParts({ actionRoot: join(dir, 'offline-action'), facts: offline, installer: folderInstaller(join(ROOT, 'node_modules')) });
    assert.equal(outcome.cacheHit, false);
    const installed = JSON.parse(readFileSync(join(outcome.folder, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string };
    assert.equal(installed.version, facts.pinned['onnxruntime-node']);
    // Its dependency came along, and other platforms' optional sharp binaries were not required.
    assert.ok(existsSync(join(outcome.folder, 'node_modules', 'onnxruntime-common', 'package.json')));

    const stale = join(dir, 'stale', 'node_modules');
    mkdirSync(join(stale, 'onnxruntime-node'), { recursive: true });
    writeFileSync(join(stale, 'onnxruntime-node', 'package.json'), '{"name": "onnxruntime-node", "version": "1.0.0"}');
    const other = { ...facts, quantgateVersion: '7.7.7' };
    const refusal = await setupNativeParts({ actionRoot: join(dir, 'stale-action'), facts: other, installer: folderInstaller(stale) }).then(
      () => null,
      (error: unknown) => error,
    );
    assert.ok(refusal instanceof SetupError);
    assert.match(refusal.message, new RegExp(`has onnxruntime-node 1\\.0\\.0, and this quantgate pins ${facts.pinned['onnxruntime-node']!.replaceAll('.', '\\.')}`));
    assert.match(refusal.fix, /npm install --ignore-scripts onnxruntime-node@/);
    assert.match(String(await setupNativeParts({ actionRoot: join(dir, 'x'), facts: other, installer: folderInstaller(join(dir, 'nowhere')) }).catch((e: Error) => e.message)), /names .*nowhere, which does not exist/);
  });

  it('a copy of quantgate without the addon sources says so instead of a bare CMake failure', () => {
    const partial = join(dir, 'partial');
    for (const f of ['scripts/build-native.mjs', 'native/lib']) cpSync(join(ROOT, f), join(partial, f), { recursive: true });
    const r = spawnSync(process.execPath, [join(partial, 'scripts', 'build-native.mjs')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^native addon: skipped: its sources are missing \(no .*partial\/native\/CMakeLists\.txt\): use a full checkout of quantgate$/m);
  });

  it('a real node_modules folder in the action (a development checkout) is kept', () => {
    const checkout = join(dir, 'checkout');
    mkdirSync(join(checkout, 'node_modules'), { recursive: true });
    assert.match(linkNodeModules(checkout, join(dir, 'toolcache')), /kept .*\(a real folder/);
    assert.match(linkNodeModules(join(dir, 'action'), join(dir, 'elsewhere')), /linked .*node_modules → .*elsewhere/);
  });
});

describe('the action bootstrap (dist/index.js) end to end', () => {
  // A copy of the action as a runner checks it out: no node_modules. npm works offline from its cache.
  const action = join(dir, 'gh-action');
  for (const f of ['dist', 'package.json', 'package-lock.json', 'native/lib', 'scripts/build-native.mjs']) cpSync(join(ROOT, f), join(action, f), { recursive: true });
  writeModel(smallCnn(), join(dir, 'model.onnx'));
  // The runner's npm, offline: an `npm` first on PATH that swaps the registry specs the setup asks
  // for with the tarballs above and calls the real npm.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const realNpm = spawnSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(
    join(bin, 'npm'),
    `#!/usr/bin/env bash\nargs=()\nfor a in "$@"; do case "$a" in -*|install) args+=("$a");; esac; done\nexec ${JSON.stringify(realNpm)} "\${args[@]}" --offline ${[...packed.values()].map((f) => JSON.stringify(f)).join(' ')}\n`,
    { mode: 0o755 },
  );
  const noNpm = join(dir, 'no-npm');
  mkdirSync(noNpm);

  function runAction(path = `${bin}:${process.env.PATH}`, out = 'e2e-out'): { code: number | null; stdout: string; outputs: string; summary: string } {
    const outputs = join(dir, `outputs-${Math.random()}`);
    writeFileSync(outputs, '');
    writeFileSync(join(dir, `summary-${out}.md`), '');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      RUNNER_TOOL_CACHE: join(dir, 'toolcache-e2e'),
      npm_config_offline: 'true',
      GITHUB_OUTPUT: outputs,
      GITHUB_STEP_SUMMARY: join(dir, `summary-${out}.md`),
      INPUT_MODEL: 'model.onnx',
      'INPUT_WORKING-DIRECTORY': dir,
      INPUT_OUT: out,
      PATH: path,
      'INPUT_BATCH-SIZES': '2',
      'INPUT_WARMUP-MS': '10',
      'INPUT_MIN-ITERATIONS': '3',
      'INPUT_MIN-TIME-MS': '30',
      INPUT_COMMENT: 'never',
    };
    delete env.NODE_PATH;
    const r = spawnSync(process.execPath, [join(action, 'dist', 'index.js')], { cwd: dir, env, encoding: 'utf8' });
    const summary = join(dir, `summary-${out}.md`);
    return { code: r.status, stdout: r.stdout + r.stderr, outputs: readFileSync(outputs, 'utf8'), summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
  }

  it('without npm: one message with the fix, then the pipeline says onnxruntime-node is missing and the summary holds the doctor checklist', () => {
    const r = runAction(noNpm, 'no-npm-out');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /::error::quantgate setup: npm could not be started \(spawnSync npm ENOENT\)%0A {2}fix: install Node\.js with npm on the runner/);
    assert.match(r.stdout, /::error::onnxruntime-node could not be loaded/);
    assert.match(r.summary, /### quantgate doctor: the setup could not install everything/);
    assert.match(r.summary, /onnxruntime-node|ONNX Runtime/);
    assert.equal(existsSync(join(dir, 'gh-action', 'node_modules')), false, 'nothing linked');
  });

  it('installs on the first run, hits the cache on the second, and the pipeline runs both times', () => {
    mkdirSync(join(dir, 'toolcache-e2e'), { recursive: true });
    const first = runAction();
    assert.match(first.stdout, /cache miss: installed: quantgate-native\/[\w.-]+ \(quantgate /);
    assert.match(first.stdout, /setup took [\d.]+ s/);
    assert.equal(first.code, 0, first.stdout);
    assert.match(first.outputs, /verdict<<.*\npass\n/);
    const second = runAction();
    assert.match(second.stdout, /cache hit: quantgate-native\//);
    assert.match(second.stdout, /already points at the cache/);
    assert.equal(second.code, 0, second.stdout);
  });
});
