/**
 * The doctor's output: text a person reads (one line per check, the fix under it, and what the
 * runner can run), the JSON form (`--json`), and the markdown the action puts in the job summary
 * when TensorRT did not run on a GPU runner (summary.ts).
 */
import { table } from '../report/markdown.js';
import { ALWAYS_REQUIRED, doctorVerdict, type DoctorLine, type DoctorVerdict } from './checks.js';

const MARK = { ok: 'ok', warn: 'warn', missing: 'MISSING' } as const;
const EMOJI = { ok: '✅', warn: '⚠️', missing: '❌' } as const;

/** What the runner can run, in one sentence. */
export function verdictSentence(v: DoctorVerdict): string {
  if (!v.ok && v.gpuRunner && !v.tensorrtReady && v.missing.every((m) => !ALWAYS_REQUIRED.includes(m))) {
    return 'This GPU runner cannot run TensorRT rows: fix the MISSING lines above (`quantgate run --runtimes tensorrt` would stop with exit 2).';
  }
  if (!v.ok) return 'quantgate cannot run here: fix the MISSING lines above.';
  if (v.tensorrtReady) return 'TensorRT rows can run here.';
  return "No NVIDIA GPU here: ONNX Runtime's CPU rows run, and TensorRT's rows are skipped rows with the reason under `--runtimes auto`.";
}

export function renderDoctorText(lines: DoctorLine[]): string {
  const width = Math.max(...lines.map((l) => l.check.length));
  const out: string[] = [];
  for (const l of lines) {
    out.push(`${MARK[l.status].padEnd(7)} ${l.check.padEnd(width)}  ${l.detail}`);
    if (l.fix) out.push(`${' '.repeat(10 + width)}fix: ${l.fix}`);
  }
  out.push('', verdictSentence(doctorVerdict(lines)));
  return `${out.join('\n')}\n`;
}

export interface DoctorJson extends DoctorVerdict {
  checks: DoctorLine[];
}

export function doctorJson(lines: DoctorLine[]): DoctorJson {
  return { ...doctorVerdict(lines), checks: lines };
}

/** The checks as a markdown table, for the job summary. */
export function renderDoctorMarkdown(lines: DoctorLine[], heading: string): string {
  const rows = lines.map((l) => [EMOJI[l.status], l.check, l.detail, l.fix ?? '']);
  return `### ${heading}\n\n${table(['', 'check', 'found', 'fix'], rows, ['c', 'l', 'l', 'l'])}\n\n${verdictSentence(doctorVerdict(lines))}\n`;
}
