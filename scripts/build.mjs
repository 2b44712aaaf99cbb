// Builds dist/ (the action's and the CLI's bundles) and the generated files that are checked in
// (the JSON Schema of quantgate.yml). `--check` builds into a temporary folder and fails when
// anything checked in differs: a stale dist/ is what the runner would execute.
import { mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const outRoot = check ? mkdtempSync(join(tmpdir(), 'quantgate-build-')) : root;

// Native and platform-binary packages stay outside the bundle: they are installed on the runner.
const external = ['onnxruntime-node', 'sharp'];

await build({
  entryPoints: {
    // The action's entry: a small bootstrap that installs the native parts (cached in the runner's
    // tool cache), then imports main.js, the pipeline, which needs them.
    index: join(root, 'src/setup/bootstrap.ts'),
    main: join(root, 'src/main.ts'),
    cli: join(root, 'src/cli/index.ts'),
    // Each benchmark runs in a child process of its own; the bundles fork this file, beside them.
    'benchmark-worker': join(root, 'src/benchmark/worker.ts'),
  },
  outdir: join(outRoot, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __qgCreateRequire } from 'node:module'; const require = __qgCreateRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
  // No timestamps or absolute paths: the same sources give the same bytes.
  sourcemap: false,
  metafile: false,
});

// Generated from the option table by the same code the CLI runs.
const { generatedFiles } = await import(join(root, 'scripts/generated.ts'));
for (const [relative, content] of Object.entries(generatedFiles())) {
  mkdirSync(dirname(join(outRoot, relative)), { recursive: true });
  writeFileSync(join(outRoot, relative), content);
}

if (check) {
  const stale = [];
  const compare = (relative) => {
    const fresh = readFileSync(join(outRoot, relative));
    const committed = existsSync(join(root, relative)) ? readFileSync(join(root, relative)) : null;
    if (!committed || !fresh.equals(committed)) stale.push(relative);
  };
  for (const f of readdirSync(join(outRoot, 'dist'))) compare(join('dist', f));
  for (const f of readdirSync(join(root, 'dist'))) if (!existsSync(join(outRoot, 'dist', f))) stale.push(join('dist', f));
  for (const relative of Object.keys(generatedFiles())) compare(relative);
  rmSync(outRoot, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`stale generated files: ${stale.join(', ')}\nrun \`npm run build\` and commit the result`);
    process.exit(1);
  }
  console.log('dist/ and generated files are up to date');
}
