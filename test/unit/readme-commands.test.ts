// Every command README.md and bench/README.md give a reader is run somewhere on every change: the
// scripts by CI (.ci/run, or bench/smoke.sh on small models), quantgate's own subcommands by the
// integration tests. A command added to a README without that fails here, naming it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/cli.ts';

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

// Commands that cannot run in CI, each with the reason the README's reader is not misled.
const NOT_RUN: Record<string, string> = {
  'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false':
    "downloads onnxruntime-node's CUDA 12 libraries from GitHub, which CI cannot reach and which need an NVIDIA GPU to mean anything",
};

const COMMAND = /^(?:[A-Z_][A-Z0-9_]*=\S+ )*(?:node --import tsx |npm (?:ci|test|run |rebuild )|bash |quantgate [a-z])/;

/** The commands a README shows: code spans and the lines of sh/bash blocks that start like one. */
export function readmeCommands(markdown: string): string[] {
  const found = new Set<string>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^```/.test(line)) {
      fence = /^```(sh|bash)\s*$/.test(line);
      continue;
    }
    if (fence) {
      const command = line.replace(/\s+#.*$/, '').trim();
      for (const part of command.split(' && ')) if (COMMAND.test(part)) found.add(part);
      continue;
    }
    for (const [, span] of line.matchAll(/`([^`]+)`/g)) for (const part of span!.split(' && ')) if (COMMAND.test(part)) found.add(part.trim());
  }
  return [...found];
}

const ciScripts = read('.ci/run') + '\n' + read('bench/smoke.sh');
const testSources = (() => {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'fixtures') walk(path);
      else if (entry.name.endsWith('.test.ts')) texts.push(read(path));
    }
  };
  walk('test');
  return texts.join('\n');
})();

/** Where the command runs, or why it does not. */
function whereRun(command: string): string | undefined {
  if (NOT_RUN[command]) return `not run: ${NOT_RUN[command]}`;
  const script = /^(?:node --import tsx|bash) (\S+)/.exec(command)?.[1];
  if (script) return new RegExp(`(^|\\s)(node --import tsx|bash) ${script.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`, 'm').test(ciScripts) ? 'CI' : undefined;
  const npm = /^npm (ci|test|run \S+)/.exec(command)?.[1];
  if (npm) return new RegExp(`^npm ${npm}\\b`, 'm').test(read('.ci/run')) ? 'CI' : undefined;
  const sub = /^quantgate ([a-z]+)/.exec(command)?.[1];
  if (sub) return new RegExp(`cli\\(\\[\\s*'${sub}'`).test(testSources) || (sub === 'demo' && /dist\/cli\.js demo/.test(ciScripts)) ? 'tests' : undefined;
  return undefined;
}

describe('README commands', () => {
  it('finds commands in code spans and sh blocks, split at &&, without comments', () => {
    const md = 'Run `npm run build && node --import tsx bench/x.ts --fast` or `quantgate doctor`; not `npm`.\n```sh\nbash a.sh   # note\nls\n```\n```yaml\nbash not-this.sh\n```\n';
    assert.deepEqual(readmeCommands(md).sort(), ['bash a.sh', 'node --import tsx bench/x.ts --fast', 'npm run build', 'quantgate doctor']);
  });

  for (const file of ['README.md', 'bench/README.md']) {
    it(`${file}: every command is run by CI or by a test`, () => {
      const commands = readmeCommands(read(file));
      assert.ok(commands.length >= 5, `${file}: only ${commands.length} commands found; the parser has drifted from the README`);
      const missing = commands.filter((c) => whereRun(c) === undefined);
      assert.deepEqual(missing, [], `${file}: not run by .ci/run, bench/smoke.sh or a test: ${missing.join('; ')}`);
    });
  }
});
