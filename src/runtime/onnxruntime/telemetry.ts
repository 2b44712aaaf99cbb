/**
 * ONNX Runtime's builds for Linux and macOS (1.30, `core/platform/posix/telemetry.cc`) carry
 * Microsoft's 1DS telemetry uploader: the first session of a process starts it, it looks up
 * mobile.events.data.microsoft.com, and it leaves an empty `$TMPDIR/mat-debug-<pid>.log`. ONNX
 * Runtime reads `ORT_DISABLE_TELEMETRY` once, when its environment is created, so the switch must
 * be set before the first session of each process; the processes this one starts (benchmark
 * workers, provider probes) inherit it. ONNX Runtime already stays silent under CI (`CI`,
 * `GITHUB_ACTIONS`); this covers runs on a developer's machine too.
 */
export const TELEMETRY_SWITCH = 'ORT_DISABLE_TELEMETRY';

/** Turns ONNX Runtime's telemetry off for this process and every process it starts. */
export function disableOnnxRuntimeTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  env[TELEMETRY_SWITCH] = '1';
}
