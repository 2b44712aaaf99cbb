/**
 * Where an array of a data set lives, how messages name it, and the numpy one-liner that
 * rewrites it: every bad-input message about data names the file and ends in a command the user
 * can paste.
 */

/** A .npy file, or one array (`key`) of an .npz archive. */
export type ArrayLocation = { kind: 'npy'; path: string } | { kind: 'npz'; path: string; key: string };

/** "data/calib/0001.npy" or "data/calib.npz, array 'input'". */
export function describeLocation(location: ArrayLocation): string {
  return location.kind === 'npy' ? location.path : `${location.path}, array '${location.key}'`;
}

/** A Python string literal. */
export function pyString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Python source as one shell argument: double quotes, with what the shell expands escaped. */
function shellPython(source: string): string {
  return `python3 -c "${source.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * A shell command that loads the array, applies `transform` (Python source in terms of `a`, the
 * array) and saves it in place: `a.astype(np.float32)`, `np.ascontiguousarray(a)`.
 */
export function rewriteCommand(location: ArrayLocation, transform: string): string {
  const path = pyString(location.path);
  if (location.kind === 'npy') {
    return shellPython(`import numpy as np; a = np.load(${path}); np.save(${path}, ${transform})`);
  }
  const key = pyString(location.key);
  return shellPython(`import numpy as np; d = dict(np.load(${path})); a = d[${key}]; d[${key}] = ${transform}; np.savez(${path}, **d)`);
}

/** The same for every .npy file of a folder, when more than one file needs it. */
export function rewriteFolderCommand(folder: string, transform: string): string {
  const pattern = pyString(`${folder.replace(/\/+$/, '')}/*.npy`);
  return shellPython(`import glob, numpy as np; [np.save(f, (lambda a: ${transform})(np.load(f))) for f in glob.glob(${pattern})]`);
}
