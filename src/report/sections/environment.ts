/**
 * Where the numbers came from and how to get them again: the machine and the software versions,
 * the model file, what the memory column measures, the command, and where the artifacts are.
 */
import { formatBytes } from '../../format.js';
import type { Environment, Results } from '../../results/schema.js';
import type { ReportEntry } from '../entry.js';
import { count, megabytes } from '../../text/numbers.js';
import { baselineMarkdown } from '../headline.js';
import { visibleControls } from '../../text/controls.js';
import { code, codeBlock, details, text } from '../markdown.js';

export interface Artifacts {
  /** The uploaded artifact's name ("quantgate-resnet50"). */
  name?: string;
  /** A link to it (the run's artifacts page). */
  url?: string;
  /** The output folder, for a local run ("quantgate-out"). */
  folder?: string;
}

export function environmentLine(env: Environment): string {
  const parts: string[] = [];
  if (env.gpu) {
    parts.push(`${env.gpu.name}${env.gpu.memoryMB !== null ? ` (${megabytes(env.gpu.memoryMB)})` : ''}`);
    if (env.gpu.driver) parts.push(`driver ${env.gpu.driver}`);
  } else {
    parts.push('no GPU');
  }
  if (env.cuda) parts.push(`CUDA ${env.cuda}`);
  if (env.tensorrt) parts.push(`TensorRT ${env.tensorrt}`);
  parts.push(`ONNX Runtime ${env.onnxruntime}`);
  const int8 = env.cpu.int8Features.length > 0 ? `int8: ${env.cpu.int8Features.join(', ')}` : 'no int8 dot product';
  parts.push(`${env.cpu.model} (${env.cpu.cores} cores, ${int8})`);
  if (env.threads !== null) parts.push(`${env.threads} ${env.threads === 1 ? 'thread' : 'threads'}`);
  parts.push(`Node ${env.node}`, `quantgate ${env.quantgate}`, `${env.os} ${env.arch}`);
  return parts.join(' · ');
}

/** What the memory column measures, with the GPU process totals the table leaves out. */
function memoryNote(results: Results): string | null {
  const runs = results.runs.filter((r) => r.status === 'ok' && r.memory);
  const notes: string[] = [];
  if (runs.some((r) => r.memory!.rssMB !== null)) {
    notes.push('RSS is the peak resident memory of a child process that holds only that session, less what it held before loading');
  }
  const process = runs.map((r) => r.memory!.processDeviceMB).filter((v): v is number => v !== null);
  if (runs.some((r) => r.memory!.deviceMB !== null)) {
    const range = process.length > 0 ? `; the process's whole footprint, CUDA context included, was ${megabytes(Math.min(...process))} to ${megabytes(Math.max(...process))}` : '';
    notes.push(`GPU is the device memory the runtime reports for the engine or session${range}`);
  }
  return notes.length > 0 ? `Memory: ${notes.join('. ')}.` : null;
}

function artifactsText(results: Results, artifacts: Artifacts | undefined): string {
  const files = ['results.json', 'report.md', 'calibration.json', ...(results.quantization?.models.map((m) => m.file) ?? [])];
  const what = `INT8 models, calibration, results.json${results.runs.some((r) => r.runtime === 'tensorrt' && r.status !== 'skipped') ? ', engine build log' : ''}`;
  if (artifacts?.url) return `Artifacts (${what}): [${text(artifacts.name ?? 'download')}](${artifacts.url})`;
  if (artifacts?.name) return `Artifacts (${what}): the run's artifact ${code(artifacts.name)}.`;
  const folder = artifacts?.folder ?? 'quantgate-out';
  return `Artifacts: ${code(`${folder}/`)} holds ${files.map((f) => code(f)).join(', ')}.`;
}

/** The command, one flag a line once it is long: a code block that scrolls sideways hides the end. */
export function commandOf(results: Results): string {
  // The newlines are ours (one flag a line); any in the recorded command are shown, not kept.
  const command = visibleControls(results.command ?? `npx quantgate run --model ${results.model.path}`);
  if (command.length <= 100) return command;
  return command.split(/ (?=--[a-z])/).join(' \\\n    ');
}

export function environmentSection(entry: ReportEntry, artifacts: Artifacts | undefined, full: boolean): string {
  const { results } = entry;
  const parts: string[] = [`${text(environmentLine(results.environment))}.`];
  const m = results.model;
  const commit = m.commit ?? results.environment.commit;
  parts.push(
    `Model ${code(m.path)}: ${formatBytes(m.bytes)}, sha256 ${code(m.sha256.slice(0, 12))}${commit ? `, commit ${code(commit.slice(0, 7))}` : ''}. Measured ${text(results.createdAt).replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')}.`,
  );
  const side = entry.comparison.sameJob ?? entry.comparison.file;
  if (side) {
    const mine = commit ? code(commit.slice(0, 7)) : 'this run';
    const theirs = side.baselineCommit ? `${code(side.baselineCommit.slice(0, 7))} (${baselineMarkdown(side.label)})` : baselineMarkdown(side.label);
    const how = side.source === 'same-job' ? 'benchmarked in this job' : 'from an earlier results.json';
    parts.push(`Compared ${mine} (this change) with ${theirs}, ${how}.`);
  }
  if (full) {
    const memory = memoryNote(results);
    if (memory) parts.push(memory);
    const iterations = results.runs.filter((r) => r.latencyMs).map((r) => r.latencyMs!.iterations);
    if (iterations.length > 0) parts.push(`Each timed row ran ${count(Math.min(...iterations))} to ${count(Math.max(...iterations))} iterations after warm-up.`);
  }
  parts.push(artifactsText(results, artifacts));
  parts.push(codeBlock(commandOf(results)));
  return details('Environment and how to reproduce', parts.join('\n\n'));
}
