// Runs the test files with Node's own test runner (through tsx, so tests are TypeScript).
// `node scripts/run-tests.mjs [unit|integration]` runs one kind; no argument runs both.
// Node 20's --test takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const kinds = process.argv[2] ? [process.argv[2]] : ['unit', 'integration'];
const files = kinds.flatMap((kind) =>
  readdirSync(join('test', kind))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join('test', kind, f)),
);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
