/**
 * Resident set size of this process: now, and its peak since a mark. On Linux the kernel keeps
 * the peak (VmHWM) and lets a process reset it to the current RSS (`echo 5 >
 * /proc/self/clear_refs`, Linux ≥ 4.0), so the peak covers exactly the span after the mark.
 * Elsewhere the peak is the process's lifetime peak (getrusage's ru_maxrss), which includes
 * Node's own start-up: a worker's start-up is small next to any real model, and the result says
 * which of the two was measured.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export function currentRssBytes(): number {
  return process.memoryUsage.rss();
}

/** Makes the peak start from the current RSS; false where the platform cannot. */
export function resetPeakRss(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export function peakRssBytes(): number {
  if (process.platform === 'linux') {
    try {
      const match = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
      if (match) return Number(match[1]) * 1024;
    } catch {
      // fall through to getrusage
    }
  }
  return process.resourceUsage().maxRSS * 1024;
}
