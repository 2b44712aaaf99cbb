/**
 * Writes .npy bytes as np.save does (format 1.0, header padded so the values start on a 64-byte
 * boundary), for data quantgate hands back to the user (generated calibration samples) and for
 * test fixtures.
 */
import { bytesOf } from '../model/tensor.js';
import { dtypeName } from '../model/dtypes.js';
import type { HostTensor } from './types.js';
import { descrOf } from './npy-dtype.js';

export function encodeNpy(tensor: HostTensor): Uint8Array {
  const descr = descrOf(tensor.dataType);
  if (!descr) throw new Error(`numpy has no dtype for ${dtypeName(tensor.dataType)}`);
  const values = bytesOf(tensor.data);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic (6) + version (2) + length (2) + dict + spaces + '\n', a multiple of 64 in all.
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - 10 - 1, ' ') + '\n';
  if (header.length > 0xffff) throw new Error('header too long for .npy format 1.0');
  const out = new Uint8Array(total + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(values, total);
  return out;
}
