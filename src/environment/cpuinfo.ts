/**
 * Linux's /proc/cpuinfo: the CPU's model, logical processor count and feature flags. x86 lists
 * `model name` and `flags`; arm64 lists `Features` and the implementer and part numbers, with no
 * model name, so the common Arm cores are named from their part numbers here.
 */
import { type CpuInt8Support, int8FeaturesOf, int8Support } from './cpu-int8.js';

export interface CpuInfo {
  /** `x64`, `arm64` or `arm` (Node's names) by the file's own fields; `unknown` when it has none. */
  arch: string;
  /** "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz", "Neoverse-V1"; null when not given. */
  model: string | null;
  /** Logical processors listed. */
  processors: number;
  /** All feature flags of the first processor, as written. */
  flags: string[];
  int8: CpuInt8Support;
}

/** Arm's MIDR part numbers for implementer 0x41 (Arm Ltd.) that CI and cloud machines use. */
const ARM_PARTS: Record<string, string> = {
  '0xd03': 'Cortex-A53',
  '0xd04': 'Cortex-A35',
  '0xd05': 'Cortex-A55',
  '0xd07': 'Cortex-A57',
  '0xd08': 'Cortex-A72',
  '0xd09': 'Cortex-A73',
  '0xd0a': 'Cortex-A75',
  '0xd0b': 'Cortex-A76',
  '0xd0c': 'Neoverse-N1',
  '0xd0d': 'Cortex-A77',
  '0xd40': 'Neoverse-V1',
  '0xd41': 'Cortex-A78',
  '0xd44': 'Cortex-X1',
  '0xd46': 'Cortex-A510',
  '0xd47': 'Cortex-A710',
  '0xd48': 'Cortex-X2',
  '0xd49': 'Neoverse-N2',
  '0xd4f': 'Neoverse-V2',
  '0xd80': 'Cortex-A520',
  '0xd81': 'Cortex-A720',
  '0xd84': 'Neoverse-V3',
  '0xd8e': 'Neoverse-N3',
};

/**
 * Reads /proc/cpuinfo's text. The architecture comes from the file's own fields unless
 * `knownArch` (Node's `process.arch`) is given.
 */
export function parseCpuInfo(text: string, knownArch?: string): CpuInfo {
  // Blocks are separated by blank lines: one per processor, then (on arm) board-wide fields.
  const blocks = text.split(/\n\s*\n/).map(fieldsOf).filter((b) => b.size > 0);
  const processors = blocks.filter((b) => b.has('processor')).length;
  const first = blocks.find((b) => b.has('processor')) ?? new Map<string, string>();
  const board = new Map<string, string>();
  for (const block of blocks) for (const [k, v] of block) if (!board.has(k)) board.set(k, v);

  const x86Flags = first.get('flags');
  const armFeatures = first.get('features') ?? board.get('features');
  const armArchitecture = first.get('cpu architecture') ?? board.get('cpu architecture');
  const arch =
    knownArch ??
    (x86Flags !== undefined ? 'x64' : armArchitecture !== undefined ? (armArchitecture.startsWith('8') || armArchitecture === 'AArch64' ? 'arm64' : 'arm') : 'unknown');
  const flags = (x86Flags ?? armFeatures ?? '').split(/\s+/).filter(Boolean);

  let model = first.get('model name') ?? null;
  if (arch === 'arm64' || arch === 'arm') {
    const implementer = (first.get('cpu implementer') ?? board.get('cpu implementer'))?.toLowerCase();
    const part = (first.get('cpu part') ?? board.get('cpu part'))?.toLowerCase();
    const core = implementer === '0x41' && part ? ARM_PARTS[part] : undefined;
    const machine = board.get('model'); // Raspberry Pi and other boards name themselves here
    model = [core ?? (part ? `Arm part ${part} (implementer ${implementer ?? '?'})` : null), machine ? `(${machine})` : null].filter(Boolean).join(' ') || model;
  }
  return { arch, model, processors, flags, int8: int8Support(arch, int8FeaturesOf(flags), '/proc/cpuinfo') };
}

/** "key\t: value" lines of one block, keys lower-cased. */
function fieldsOf(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (key && !fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  return fields;
}
