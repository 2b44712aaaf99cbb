/**
 * The action's entry (dist/index.js). It bundles only @actions/core and @actions/tool-cache: it
 * runs before anything native is installed. It installs or finds in the tool cache what cannot be
 * bundled (native.ts), says what and how long, then imports the pipeline (dist/main.js) and runs it.
 *
 * A missing prerequisite (no npm, no network) is reported with its fix, and the pipeline still
 * starts: where onnxruntime-node is missing it stops with its own message and `quantgate doctor`'s
 * checklist in the job summary; a missing TensorRT only costs the TensorRT rows.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as core from '@actions/core';
import { doctorChecks, gatherDoctorFacts, renderDoctorMarkdown } from '../doctor/index.js';
import { gatherSetupFacts } from './facts.js';
import { folderInstaller, npmInstaller, SetupError } from './install.js';
import { TOOL_NAME } from './key.js';
import { setupNativeParts } from './native.js';

const distDir = dirname(fileURLToPath(import.meta.url));
const actionRoot = join(distDir, '..');

async function setup(): Promise<void> {
  await core.group('Set up quantgate (native parts, cached on the runner)', async () => {
    try {
      const facts = gatherSetupFacts(actionRoot);
      const from = process.env.QUANTGATE_NATIVE_FROM;
      if (from) core.info(`QUANTGATE_NATIVE_FROM is set: a cache miss copies the native parts from ${from} instead of npm`);
      const outcome = await setupNativeParts({ actionRoot, facts, installer: from ? folderInstaller(from) : npmInstaller });
      core.info(`${outcome.cacheHit ? 'cache hit' : 'cache miss: installed'}: ${TOOL_NAME}/${outcome.version} (${outcome.key})`);
      for (const line of outcome.lines) core.info(`  ${line}`);
      core.info(`  ${outcome.linked}`);
      if (outcome.addon) process.env.QUANTGATE_TRT_ADDON ??= outcome.addon;
      core.info(`setup took ${outcome.seconds.toFixed(2)} s`);
    } catch (error) {
      const fix = error instanceof SetupError ? `\n  fix: ${error.fix}` : '';
      core.error(`quantgate setup: ${(error as Error).message}${fix}\nThe run goes on with what the runner has; \`quantgate doctor\`'s checklist is in the job summary.`);
      await writeDoctorChecklist();
    }
  });
}

/** `quantgate doctor`'s checklist into the job summary: what the runner has and lacks, with fixes. */
async function writeDoctorChecklist(): Promise<void> {
  try {
    const lines = doctorChecks(await gatherDoctorFacts());
    await core.summary.addRaw(renderDoctorMarkdown(lines, 'quantgate doctor: the setup could not install everything')).write();
  } catch (error) {
    core.warning(`quantgate doctor could not run: ${(error as Error).message}`);
  }
}
await setup();
const main = (await import(pathToFileURL(join(distDir, 'main.js')).href)) as { run: () => Promise<void> };
await main.run();
