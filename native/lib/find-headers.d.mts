// Types of find-headers.mjs, for src/doctor and the tests.
export interface HeaderSet {
  dir: string;
  source: string;
  version?: string | null;
}
export interface HeaderProblem {
  what: string;
  /** A few words: what to set. */
  hint: string;
  reason: string;
  fix: string;
}
export interface AddonHeaders {
  node: HeaderSet | null;
  nodeAddonApi: HeaderSet | null;
  tensorrt: HeaderSet | null;
  cuda: HeaderSet | null;
  nvml: HeaderSet | null;
  problems: HeaderProblem[];
}
export interface FindOptions {
  env?: Record<string, string | undefined>;
  execPath?: string;
  exists?: (path: string) => boolean;
  readText?: (path: string) => string;
  /** A file URL or path that packages (node-addon-api, node-api-headers) resolve from. */
  resolveFrom?: string;
}
export declare const SUPPORTED_TENSORRT_MAJORS: number[];
export declare const SUPPORTED_CUDA_MAJORS: number[];
export declare function searchPaths(env: Record<string, string | undefined>, execPath: string): { node: string[]; tensorrt: string[]; cuda: string[]; nvml: string[] };
export declare function parseTensorRtVersion(text: string): string | null;
export declare function parseCudaVersion(text: string): string | null;
export declare function findAddonHeaders(options?: FindOptions): AddonHeaders;
