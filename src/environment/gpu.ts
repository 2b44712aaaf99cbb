/**
 * The NVIDIA GPU this run would use, and the CUDA version its driver supports, from nvidia-smi.
 * Without nvidia-smi (no NVIDIA driver), or when it fails, there is no GPU: null, never an error.
 *
 * Unrun on the development machines (no GPU); the parsers are tested on nvidia-smi's output
 * captured on an H100 runner (driver 580).
 */
import type { System } from './system.js';

export interface GpuDescription {
  name: string;
  driver: string | null;
  memoryMB: number | null;
}

/** Fields asked of nvidia-smi, in this order. */
export const GPU_QUERY = ['--query-gpu=index,uuid,name,driver_version,memory.total', '--format=csv,noheader,nounits'] as const;

interface GpuRow extends GpuDescription {
  index: string;
  uuid: string;
}

/** Rows of `nvidia-smi --query-gpu=index,uuid,name,driver_version,memory.total --format=csv,noheader,nounits`. */
export function parseGpuQuery(csv: string): GpuRow[] {
  const rows: GpuRow[] = [];
  for (const line of csv.split('\n')) {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 5) continue;
    // A name could hold a comma: it is everything between the uuid and the last two fields.
    const [index, uuid] = fields;
    const memory = Number.parseFloat(fields[fields.length - 1]!);
    const driver = fields[fields.length - 2]!;
    rows.push({
      index: index!,
      uuid: uuid!,
      name: fields.slice(2, -2).join(', '),
      driver: known(driver),
      memoryMB: Number.isFinite(memory) ? memory : null,
    });
  }
  return rows;
}

/** "CUDA Version: 13.0" from nvidia-smi's banner: the newest CUDA the driver supports. */
export function parseCudaVersion(banner: string): string | null {
  return /CUDA Version:\s*([\d.]+)/.exec(banner)?.[1] ?? null;
}

/**
 * The GPU CUDA_VISIBLE_DEVICES puts first (by index or UUID), else GPU 0; null when that
 * variable hides every GPU ("" or "-1").
 */
export function pickGpu(rows: GpuRow[], visible: string | undefined): GpuDescription | null {
  if (rows.length === 0) return null;
  let row = rows[0]!;
  if (visible !== undefined) {
    const first = visible.split(',')[0]!.trim();
    if (first === '' || first.startsWith('-')) return null;
    row = rows.find((r) => r.index === first || r.uuid === first || (first.startsWith('GPU-') && r.uuid.startsWith(first))) ?? row;
  }
  return { name: row.name, driver: row.driver, memoryMB: row.memoryMB };
}

export async function detectGpu(system: System, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ gpu: GpuDescription | null; cuda: string | null }> {
  const [query, banner] = await Promise.all([system.run('nvidia-smi', GPU_QUERY, { timeoutMs }), system.run('nvidia-smi', [], { timeoutMs })]);
  const gpu = query?.status === 0 ? pickGpu(parseGpuQuery(query.stdout), env.CUDA_VISIBLE_DEVICES) : null;
  const cuda = gpu && banner?.status === 0 ? parseCudaVersion(banner.stdout) : null;
  return { gpu, cuda };
}

function known(value: string): string | null {
  return value === '' || /^\[?(N\/A|Not Supported)\]?$/i.test(value) ? null : value;
}
