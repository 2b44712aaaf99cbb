/**
 * Uploads through @actions/artifact: the run's output folder (INT8 models, results, report,
 * calibration files, logs; TensorRT engines only with `upload-engines`), and, on push runs of the
 * default branch, the small baseline artifact (results.json alone) that pull requests compare with.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DefaultArtifactClient, GHESNotSupportedError } from '@actions/artifact';

/** Serialized TensorRT engines: executable code, uploaded only when asked. */
const ENGINE_FILE = /\.(engine|plan|trt)$/i;

export function filesToUpload(dir: string, options: { engines: boolean }): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && (options.engines || !ENGINE_FILE.test(entry.name))) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** The name of the artifact that holds a push run's results for pull requests to compare with. */
export function baselineArtifactName(artifactName: string): string {
  return `${artifactName}-baseline`;
}

export type UploadOutcome = { uploaded: true; id: number; bytes: number; files: number } | { uploaded: false; why: string };

/**
 * Uploads `files` under `root` as `name`. The artifact service missing (GitHub Enterprise Server
 * without it, or a runner that gave this step no ACTIONS_RUNTIME_TOKEN) is an outcome, not an
 * error: the files stay on disk and the caller warns.
 */
export async function uploadFolder(name: string, root: string, files: string[], retentionDays: number | undefined): Promise<UploadOutcome> {
  if (files.length === 0) return { uploaded: false, why: `nothing to upload in ${root}` };
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    return { uploaded: false, why: 'this step has no artifact credentials (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL): quantgate must run as the JavaScript action, not from a run: step' };
  }
  try {
    const client = new DefaultArtifactClient();
    const { id, size } = await client.uploadArtifact(name, files, root, retentionDays !== undefined ? { retentionDays } : {});
    if (id === undefined) return { uploaded: false, why: 'the artifact service did not return an artifact ID' };
    return { uploaded: true, id, bytes: size ?? 0, files: files.length };
  } catch (error) {
    if (error instanceof GHESNotSupportedError) {
      return { uploaded: false, why: 'this GitHub Enterprise Server has no artifact service that @actions/artifact v2+ can use' };
    }
    return { uploaded: false, why: `the upload failed: ${(error as Error).message}` };
  }
}

export function describeFiles(files: string[]): string {
  return files.map((f) => basename(f)).join(', ');
}

export function sizeOf(files: string[]): number {
  return files.reduce((sum, f) => sum + statSync(f).size, 0);
}
