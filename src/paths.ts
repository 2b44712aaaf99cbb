import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder: one level above this module both in src/ (under tsx) and in the
 * bundles in dist/ (esbuild keeps import.meta.url of the bundle), where package.json and
 * examples/ are.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `path` relative to `base` where it lies inside it (what a person reads in a report or a command
 * line), else null: a path that climbs out with `..` is harder to read than the absolute one.
 */
export function pathInside(base: string, path: string): string | null {
  const rel = relative(base, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : null;
}
