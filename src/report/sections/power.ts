/**
 * Power and energy per inference of the GPU rows (results.json `power`), folded under the table:
 * a column would crowd a table that must stay readable on a phone, and the figures need their
 * caveat (the whole GPU's draw, not this process's). One line per timed GPU row: energy per
 * inference, mean and peak watts, and the GPU's clocks and temperature before the row's first
 * timed round and after its last (a falling clock under load is the GPU throttling).
 */
import type { Power, Results, RunResult } from '../../results/schema.js';
import { grouped } from '../../text/numbers.js';
import { modelName, runtimeName } from '../../text/run-names.js';
import type { ReportEntry } from '../entry.js';
import { details, table, text } from '../markdown.js';
import { nowrap, tableRuns } from '../table.js';

/** Joules to what reads best: "13.4 mJ", "1.26 mJ", "842 µJ", "1.05 J". */
export function energy(joules: number): string {
  const [value, unit] = joules >= 1 ? [joules, 'J'] : joules >= 1e-3 ? [joules * 1e3, 'mJ'] : [joules * 1e6, 'µJ'];
  return `${value >= 1000 ? grouped(value) : value.toPrecision(3)} ${unit}`;
}

function watts(value: number): string {
  return `${value >= 100 ? grouped(value) : value.toFixed(1)} W`;
}

function change(start: number | null, end: number | null, unit: string): string {
  if (start === null && end === null) return '';
  const show = (v: number | null) => (v === null ? '?' : grouped(v));
  return nowrap(`${show(start)} → ${show(end)} ${unit}`);
}

function measuredRuns(results: Results): (RunResult & { power: Power })[] {
  return tableRuns(results).filter((r): r is RunResult & { power: Power } => r.status === 'ok' && r.power !== null && r.power !== undefined);
}

function how(runs: readonly { power: Power }[]): string {
  const instant = runs.every((r) => r.power.powerSource === 'instant');
  const counter = runs.every((r) => r.power.energySource === 'counter');
  const samples = runs.every((r) => r.power.energySource === 'samples');
  const source = instant ? "NVML's instantaneous power" : "NVML's power readings (on this GPU a one-second average, which smooths short rounds)";
  const energySource = counter ? "the driver's energy counter" : samples ? 'the integral of the power samples' : "the driver's energy counter where a row's rounds lasted a second or more, else the integral of the samples";
  return `The whole GPU's draw (${source}, sampled on a thread of its own) during each row's own timed rounds, warm-up excluded; energy from ${energySource}, divided by the samples those rounds processed. Anything else running on the GPU at the time counts too.`;
}

export function powerSection(entry: ReportEntry): string | null {
  const runs = measuredRuns(entry.results);
  if (runs.length === 0) return null;
  const env = entry.results.environment;
  const perInference = runs.filter((r) => r.power.joulesPerInference !== null);
  const best = [...perInference].sort((a, b) => a.power.joulesPerInference! - b.power.joulesPerInference!)[0];
  const summary = best
    ? `Power: ${energy(best.power.joulesPerInference!)} per inference at best (${runtimeName(best)} ${modelName(best)}, batch ${best.batch}; GPU, NVML)`
    : 'Power (GPU, NVML)';
  const rows = runs.map((r) => [
    text(`${runtimeName(r, env)} ${modelName(r)}`),
    String(r.batch),
    r.power.joulesPerInference === null ? '' : nowrap(energy(r.power.joulesPerInference)),
    nowrap(watts(r.power.meanW)),
    nowrap(watts(r.power.peakW)),
    change(r.power.start.smClockMHz, r.power.end.smClockMHz, 'MHz'),
    change(r.power.start.temperatureC, r.power.end.temperatureC, '°C'),
  ]);
  const limit = env.gpu?.powerLimitW ? ` The GPU's power limit is ${watts(env.gpu.powerLimitW)}.` : '';
  return details(
    summary,
    `${table(['run', 'batch', 'energy / inference', 'mean', 'peak', 'SM clock', 'temperature'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r'])}\n\n${how(runs)}${limit}`,
  );
}
