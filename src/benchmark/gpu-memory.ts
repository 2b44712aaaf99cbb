/**
 * Device memory of a benchmark worker on the GPU providers, from nvidia-smi's per-process
 * accounting (`--query-compute-apps`). UNRUN: the machine this was written on has no GPU; only
 * the parsing is tested.
 *
 * Two numbers, because they differ by hundreds of MB:
 * - `processDeviceMB`: everything the worker process holds on the device at its peak: the CUDA
 *   context, cuDNN/cuBLAS workspaces and the session. What the process costs the GPU.
 * - `deviceMB`: that peak less what the process held after the provider was brought up on a
 *   one-node model and released (context and libraries, no model): the session's own share
 *   (weights, activation arena, TensorRT engine).
 * ONNX Runtime's CUDA arena grows and does not shrink while the session lives, so sampling at the
 * end of each phase (load, warm-up, every round) sees the peak without polling inside a round.
 * nvidia-smi reports MiB; so do these fields. Where nvidia-smi is missing or does not list the
 * worker (another PID namespace, e.g. some containers), the fields are null.
 */
import { execFile } from 'node:child_process';

/** pid → used MiB, from `nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits`. */
export function parseComputeApps(text: string): Map<number, number> {
  const used = new Map<number, number>();
  for (const line of text.split('\n')) {
    const [pid, mib] = line.split(',').map((s) => s.trim());
    if (!pid || !mib || !/^\d+$/.test(pid) || !/^\d+(\.\d+)?$/.test(mib)) continue;
    // A process on several GPUs has a line per GPU.
    used.set(Number(pid), (used.get(Number(pid)) ?? 0) + Number(mib));
  }
  return used;
}

/** The device memory `pid` holds now, MiB; null where it cannot be read. */
export function processDeviceMiB(pid: number): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'], { timeout: 10_000 }, (error, stdout) => {
      if (error) resolve(null);
      else resolve(parseComputeApps(stdout).get(pid) ?? null);
    });
  });
}

/** Collects samples of one worker's device memory and turns them into the two fields. */
export class DeviceMemoryTracker {
  private contextMiB: number | null = null;
  private peakMiB: number | null = null;

  constructor(private readonly pid: number) {}

  /** After the provider is up and before the model loads. */
  async markContext(): Promise<void> {
    this.contextMiB = await processDeviceMiB(this.pid);
  }

  async sample(): Promise<void> {
    const now = await processDeviceMiB(this.pid);
    if (now !== null) this.peakMiB = Math.max(this.peakMiB ?? 0, now);
  }

  result(): { deviceMB: number | null; processDeviceMB: number | null } {
    if (this.peakMiB === null) return { deviceMB: null, processDeviceMB: null };
    return { deviceMB: this.contextMiB === null ? null : Math.max(0, this.peakMiB - this.contextMiB), processDeviceMB: this.peakMiB };
  }
}
