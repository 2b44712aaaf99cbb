/**
 * The doctor's output: text a person reads (one line per check, the fix under it) and the JSON
 * form (`--json`, and what the action puts in the job summary on a TensorRT failure).
 */
import type { DoctorLine } from './checks.js';
import { tensorRtReady } from './checks.js';

const MARK = { ok: 'ok', warn: 'warn', missing: 'MISSING' } as const;

export function renderDoctorText(lines: DoctorLine[]): string {
  const width = Math.max(...lines.map((l) => l.check.length));
  const out: string[] = [];
  for (const l of lines) {
    out.push(`${MARK[l.status].padEnd(7)} ${l.check.padEnd(width)}  ${l.detail}`);
    if (l.fix) out.push(`${' '.repeat(10 + width)}fix: ${l.fix}`);
  }
  out.push('', tensorRtReady(lines) ? 'TensorRT rows can run here.' : 'TensorRT rows cannot run here: fix the MISSING lines above.');
  return `${out.join('\n')}\n`;
}

export interface DoctorJson {
  tensorrtReady: boolean;
  checks: DoctorLine[];
}

export function doctorJson(lines: DoctorLine[]): DoctorJson {
  return { tensorrtReady: tensorRtReady(lines), checks: lines };
}
