/**
 * Gathers the doctor's facts on this machine: the addon and its capabilities(), ONNX Runtime's
 * providers (src/runtime/providers.ts), the build tools and headers for the addon, Node. Each
 * probe that fails becomes a fact ("not found"), never an exception.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { findAddonHeaders } from '../../native/lib/find-headers.mjs';
import { availableProviders } from '../runtime/onnxruntime/providers.js';
import { findTensorRtLibrary } from '../runtime/tensorrt/library-search.js';
import { loadTensorRtAddon } from '../runtime/tensorrt/load.js';
import type { DoctorFacts, ToolVersion } from './facts.js';

function firstLine(command: string, args: string[]): string | null {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 5000 });
  if (run.error || run.status !== 0) return null;
  return (run.stdout || run.stderr).split('\n')[0]?.trim() || null;
}

function tool(commands: string[], args: string[]): ToolVersion | null {
  for (const command of commands) {
    const version = firstLine(command, args);
    if (version) return { command, version };
  }
  return null;
}

function driverProc(): string | null {
  try {
    return readFileSync('/proc/driver/nvidia/version', 'utf8').split('\n')[0]!.trim();
  } catch {
    return null;
  }
}

export async function gatherDoctorFacts(): Promise<DoctorFacts> {
  const load = loadTensorRtAddon();
  let addon: DoctorFacts['addon'];
  if (load.ok) {
    try {
      addon = { loaded: true, path: load.path, capabilities: await load.binding.capabilities(), capabilitiesError: null };
    } catch (error) {
      addon = { loaded: true, path: load.path, capabilities: null, capabilitiesError: (error as Error).message };
    }
  } else {
    addon = { loaded: false, reason: load.reason };
  }
  let providers: DoctorFacts['providers'] = null;
  let providersError: string | null = null;
  try {
    providers = await availableProviders();
  } catch (error) {
    providersError = (error as Error).message;
  }
  return {
    nodeVersion: process.version,
    platform: `${process.platform}/${process.arch}`,
    nvidiaDriverProc: process.platform === 'linux' ? driverProc() : null,
    addon,
    tensorrtLibrary: load.ok ? null : await findTensorRtLibrary(),
    providers,
    providersError,
    compiler: tool(['c++', 'g++', 'clang++'], ['--version']),
    cmake: tool(['cmake'], ['--version']),
    headers: findAddonHeaders(),
  };
}
