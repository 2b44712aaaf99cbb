/**
 * Installs the native parts into a staging folder (later copied into the tool cache):
 * onnxruntime-node and sharp at their pinned versions through npm (install scripts off), ONNX
 * Runtime's CUDA provider where the runner has a GPU and a CUDA that onnxruntime-node publishes
 * one for, and the TensorRT addon compiled against the runner's headers by scripts/build-native.mjs.
 * Each optional part that cannot be had here leaves one line saying why; only a failed npm install
 * is fatal (without onnxruntime-node nothing runs).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SetupFacts } from './facts.js';

/** Installs `specs` (name@version) into `folder`/node_modules; throws SetupError when it cannot. */
export type Installer = (folder: string, specs: string[]) => void;

/** A missing prerequisite: what and the fix, for the log and `quantgate doctor`. */
export class SetupError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** The real one: the runner's npm against its configured registry. */
export const npmInstaller: Installer = (folder, specs) => {
  writeFileSync(join(folder, 'package.json'), '{"private": true}\n');
  const npm = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', ...specs], {
    cwd: folder,
    encoding: 'utf8',
    // A project .npmrc cannot reach here (the folder is ours); CI=1 keeps npm from prompting.
    env: { ...process.env, CI: '1' },
  });
  if (npm.error) throw new SetupError(`npm could not be started (${npm.error.message})`, 'install Node.js with npm on the runner (actions/setup-node does), or put npm on PATH');
  if (npm.status !== 0) {
    const tail = `${npm.stderr}`.trim().split('\n').slice(-6).join('\n');
    const offline = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network/i.test(tail);
    throw new SetupError(
      `npm install ${specs.join(' ')} failed${offline ? ' (no network?)' : ''}:\n${tail}`,
      offline
        ? 'give the runner access to the npm registry (or an npm mirror through NPM_CONFIG_REGISTRY); the first run on a runner installs, later runs use the tool cache'
        : 'see npm\'s message above; `quantgate doctor` lists what the runner has',
    );
  }
};

/**
 * Runners without the npm registry (air-gapped GPU hosts): QUANTGATE_NATIVE_FROM names a
 * node_modules folder prepared on a connected machine (`npm install --ignore-scripts
 * onnxruntime-node@V sharp@V` there, then copied over). The packages and everything they depend on
 * are copied from it; a version other than the pinned one is refused, since the cache key promises
 * exactly the versions CI tested.
 */
export function folderInstaller(from: string): Installer {
  return (folder, specs) => {
    if (!existsSync(from)) throw new SetupError(`QUANTGATE_NATIVE_FROM names ${from}, which does not exist`, 'point it at a node_modules folder that holds the packages, or unset it to install from the npm registry');
    const target = join(folder, 'node_modules');
    const copied = new Set<string>();
    const copy = (name: string, wanted: string | null, optional: boolean): void => {
      if (copied.has(name)) return;
      const source = join(from, name);
      let pkg: { version?: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
      try {
        pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as typeof pkg;
      } catch {
        if (optional) return; // another platform's optional binaries (sharp's @img/sharp-<os>-<arch>)
        const needed = wanted ? `${name}@${wanted}` : name;
        throw new SetupError(`${from} has no ${name}${wanted ? ` ${wanted}` : ''}`, `on a machine with the npm registry, \`npm install --ignore-scripts ${needed}\` into that folder's parent and copy node_modules over`);
      }
      if (wanted && pkg.version !== wanted) {
        throw new SetupError(`${from} has ${name} ${pkg.version ?? '(no version)'}, and this quantgate pins ${wanted}`, `install ${name}@${wanted} there (\`npm install --ignore-scripts ${name}@${wanted}\`)`);
      }
      copied.add(name);
      cpSync(source, join(target, name), { recursive: true });
      // A dependency nested in the package's own node_modules came along with it.
      const nested = (dep: string): boolean => existsSync(join(source, 'node_modules', dep));
      for (const dep of Object.keys(pkg.dependencies ?? {})) if (!nested(dep)) copy(dep, null, false);
      for (const dep of Object.keys(pkg.optionalDependencies ?? {})) if (!nested(dep)) copy(dep, null, true);
    };
    for (const spec of specs) {
      const at = spec.lastIndexOf('@');
      copy(spec.slice(0, at), spec.slice(at + 1), false);
    }
  };
}

export interface InstallReport {
  /** One line per part: what was installed, or what was not and why. */
  lines: string[];
  /** Path of the compiled addon inside the folder, when it was built. */
  addon: string | null;
}

/**
 * onnxruntime-node's own install script fetches the CUDA provider for a name its metadata lists
 * for this platform (1.30: `cuda12` on linux/x64 only). Read that list rather than guess it.
 */
function ortCudaFlavour(folder: string, facts: SetupFacts): { flavour: string | null; why: string } {
  if (!facts.driver) return { flavour: null, why: 'no NVIDIA driver' };
  if (!facts.cuda) return { flavour: null, why: 'no CUDA version found (no toolkit headers, and nvidia-smi names none)' };
  const major = facts.cuda.version.split('.')[0];
  const require = createRequire(join(folder, 'node_modules', 'onnxruntime-node', 'package.json'));
  let offered: string[] = [];
  try {
    const metadata = require('./script/install-metadata.js') as { requirements?: Record<string, string[]>; manifests?: Record<string, unknown> };
    const platform = `${facts.platform}/${facts.arch}`;
    offered = Object.keys(metadata.manifests ?? {})
      .filter((k) => k.startsWith(`${platform}:`))
      .map((k) => k.slice(platform.length + 1));
  } catch {
    return { flavour: null, why: 'onnxruntime-node has no install metadata to read' };
  }
  const flavour = `cuda${major}`;
  if (!offered.includes(flavour)) {
    return { flavour: null, why: `onnxruntime-node ${facts.pinned['onnxruntime-node']} publishes ${offered.length ? offered.join(', ') : 'no GPU providers'} for ${facts.platform}/${facts.arch}, not ${flavour} (CUDA ${facts.cuda.version})` };
  }
  return { flavour, why: '' };
}

/**
 * onnxruntime-node ships every platform's binaries (about 290 MB, 45 MB of them Linux x64); only
 * this runner's are loaded (bin/napi-v6/<platform>/<arch>), so the rest never reaches the cache:
 * copying it there was most of a cold setup's disk work. Returns the bytes removed.
 */
function pruneOtherPlatforms(folder: string, facts: SetupFacts): number {
  const bin = join(folder, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
  if (!existsSync(join(bin, facts.platform, facts.arch))) return 0; // an unknown layout: keep everything
  let removed = 0;
  for (const platform of readdirSync(bin)) {
    for (const arch of readdirSync(join(bin, platform))) {
      if (platform === facts.platform && arch === facts.arch) continue;
      const dir = join(bin, platform, arch);
      removed += sizeOf(dir);
      rmSync(dir, { recursive: true, force: true });
    }
    if (platform !== facts.platform) rmSync(join(bin, platform), { recursive: true, force: true });
  }
  return removed;
}

function sizeOf(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

export function installNativeParts(folder: string, facts: SetupFacts, installer: Installer, actionRoot: string): InstallReport {
  const lines: string[] = [];
  const specs = ['onnxruntime-node', 'sharp'].map((name) => `${name}@${facts.pinned[name]}`);
  // The addon's build reads node-addon-api's headers; only worth installing where it can build.
  if (!facts.addonBlocked) specs.push(`node-addon-api@${facts.pinned['node-addon-api']}`);
  installer(folder, specs);
  lines.push(`installed ${specs.join(', ')} (CPU build of ONNX Runtime)`);
  const pruned = pruneOtherPlatforms(folder, facts);
  if (pruned > 0) lines.push(`left out onnxruntime-node's binaries for other platforms (${Math.round(pruned / 2 ** 20)} MB)`);

  const { flavour, why } = ortCudaFlavour(folder, facts);
  if (flavour) {
    // The package's own script downloads the provider libraries from NuGet into its bin/ folder.
    const script = spawnSync(process.execPath, ['script/install.js'], {
      cwd: join(folder, 'node_modules', 'onnxruntime-node'),
      encoding: 'utf8',
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: flavour },
    });
    lines.push(
      script.status === 0
        ? `installed ONNX Runtime's CUDA and TensorRT providers (${flavour})`
        : `ONNX Runtime's ${flavour} providers: not installed: the download failed (${`${script.stderr}`.trim().split('\n').pop() ?? script.status}); ONNX Runtime runs on the CPU`,
    );
  } else {
    lines.push(`ONNX Runtime's GPU providers: not installed: ${why}`);
  }

  let addon: string | null = null;
  if (facts.addonBlocked) {
    lines.push(`TensorRT addon: not built: ${facts.addonBlocked}`);
  } else {
    const out = join(folder, 'native');
    const build = spawnSync(process.execPath, [join(actionRoot, 'scripts', 'build-native.mjs'), '--out', out], {
      cwd: actionRoot,
      encoding: 'utf8',
      // node-addon-api resolves from the staging folder, not the action's (which has no node_modules).
      env: { ...process.env, NODE_PATH: join(folder, 'node_modules') },
    });
    const built = join(out, 'Release', 'quantgate_trt.node');
    if (build.status === 0 && existsSync(built)) {
      addon = built;
      lines.push(`TensorRT addon: compiled against TensorRT ${facts.tensorrt} and CUDA ${facts.cuda?.version}`);
    } else {
      const output = `${build.stdout}\n${build.stderr}`.trim().split('\n');
      const said = output.filter((l) => l.startsWith('native addon:')).pop();
      // CMake's or the compiler's first error says why; the last line alone only says which step failed.
      const cause = output.find((l) => /CMake Error|error:/.test(l))?.trim();
      const why = said ? said.replace(/^native addon:\s*/, '') : `the build exited with ${build.status}`;
      lines.push(`TensorRT addon: not built: ${why}${cause && !why.includes(cause) ? ` (${cause})` : ''}`);
    }
  }
  return { lines, addon };
}
