/**
 * .npz files for tests, written the way np.savez (stored) and np.savez_compressed (deflated)
 * write them, and zip archives whose members claim whatever sizes a test needs.
 */
import { writeFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { encodeNpy } from '../../src/data/index.ts';
import { DataType } from '../../src/model/dtypes.ts';

export interface ZipMember {
  name: string;
  /** The member's bytes as stored in the archive (deflated already when `deflated`). */
  stored: Uint8Array;
  deflated: boolean;
  /** The size the member claims uncompressed; default the stored size. */
  uncompressedSize?: number;
  /** CRC-32 of the uncompressed bytes; quantgate does not check it. Default 0. */
  crc?: number;
}

/** A zip archive of `members`; sizes at or over 4 GiB are written as zip64 extra fields. */
export function writeZip(path: string, members: readonly ZipMember[]): void {
  const files: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const fileName = Buffer.from(m.name);
    const size = m.uncompressedSize ?? m.stored.byteLength;
    const zip64 = size >= 0xffffffff;
    const extra = Buffer.alloc(zip64 ? 20 : 0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(m.stored.byteLength), 12);
    }
    const header = (signature: number, length: number, at: { version: number; method: number; crc: number; sizes: number; name: number }) => {
      const b = Buffer.alloc(length);
      b.writeUInt32LE(signature, 0);
      b.writeUInt16LE(zip64 ? 45 : 20, at.version);
      b.writeUInt16LE(m.deflated ? 8 : 0, at.method);
      b.writeUInt32LE(m.crc ?? 0, at.crc);
      b.writeUInt32LE(zip64 ? 0xffffffff : m.stored.byteLength, at.sizes);
      b.writeUInt32LE(zip64 ? 0xffffffff : size, at.sizes + 4);
      b.writeUInt16LE(fileName.length, at.name);
      b.writeUInt16LE(extra.length, at.name + 2);
      return b;
    };
    const local = header(0x04034b50, 30, { version: 4, method: 8, crc: 14, sizes: 18, name: 26 });
    const entry = header(0x02014b50, 46, { version: 6, method: 10, crc: 16, sizes: 20, name: 28 });
    entry.writeUInt16LE(zip64 ? 45 : 20, 4);
    entry.writeUInt32LE(offset, 42);
    files.push(local, fileName, extra, Buffer.from(m.stored));
    central.push(entry, fileName, extra);
    offset += local.length + fileName.length + extra.length + m.stored.byteLength;
  }
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(path, Buffer.concat([...files, centralBytes, end]));
}

/** An .npz of float32 arrays keyed by name; `compressed` deflates them as np.savez_compressed. */
export function writeNpz(path: string, members: Record<string, { dims: number[]; data: Float32Array }>, compressed = false): void {
  writeZip(
    path,
    Object.entries(members).map(([name, value]) => {
      const body = encodeNpy({ dataType: DataType.FLOAT, dims: value.dims, data: value.data });
      return {
        name: `${name}.npy`,
        stored: compressed ? deflateRawSync(body, { level: 9 }) : body,
        deflated: compressed,
        uncompressedSize: body.byteLength,
        crc: crc32(body),
      };
    }),
  );
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
