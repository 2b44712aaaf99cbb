import { fileURLToPath } from 'node:url';

/**
 * The package's root folder: one level above this module both in src/ (under tsx) and in the
 * bundles in dist/ (esbuild keeps import.meta.url of the bundle), where package.json and
 * examples/ are.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
