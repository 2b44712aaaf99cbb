/**
 * A loaded ONNX model: the decoded protobuf (lossless: unknown fields kept, int64 as bigint),
 * where it came from, and access to tensor bytes wherever they are stored.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ModelProto, TensorProto } from 'onnx-buf';
import { dtypeName, packedByteLength } from './dtypes.js';
import { ExternalDataReader, externalRef, isExternal } from './external-data.js';
import { elementCount, inlineTensorBytes } from './tensor.js';

export class OnnxModel {
  private readonly reader = new ExternalDataReader();

  constructor(
    readonly proto: ModelProto,
    /** Absolute path of the .onnx file (or a name for models built in memory). */
    readonly path: string,
    /** Size of the .onnx file in bytes (external data not included). */
    readonly fileBytes: number,
    /** External data files by location, resolved and checked to stay inside `dir`. */
    readonly externalFiles: ReadonlyMap<string, string> = new Map(),
  ) {}

  get dir(): string {
    return dirname(this.path);
  }

  /** The file name without `.onnx`: the `<name>` of the output files. */
  get name(): string {
    return basename(this.path).replace(/\.onnx$/i, '');
  }

  /** The packed little-endian bytes of a tensor, reading external data by position if needed. */
  tensorBytes(tensor: TensorProto): Uint8Array {
    if (!isExternal(tensor)) return inlineTensorBytes(tensor);
    const ref = externalRef(tensor, this.path);
    const file = this.externalFiles.get(ref.location);
    if (!file) throw new Error(`external data '${ref.location}' was not checked when ${this.path} was loaded`);
    const expected = packedByteLength(tensor.dataType, elementCount(tensor.dims));
    const length = ref.length ?? expected;
    if (length === null) throw new Error(`tensor '${tensor.name}' (${dtypeName(tensor.dataType)}) in external data needs a length`);
    return this.reader.read(file, ref.offset, length, `${this.path}: tensor '${tensor.name}'`);
  }

  /**
   * The tensor's bytes in pieces of at most `chunkBytes`, so that copying a multi-gigabyte
   * external tensor needs no buffer of its size.
   */
  *tensorChunks(tensor: TensorProto, chunkBytes = 64 << 20): Generator<Uint8Array> {
    if (!isExternal(tensor)) {
      yield inlineTensorBytes(tensor);
      return;
    }
    const ref = externalRef(tensor, this.path);
    const file = this.externalFiles.get(ref.location);
    if (!file) throw new Error(`external data '${ref.location}' was not checked when ${this.path} was loaded`);
    const length = ref.length ?? packedByteLength(tensor.dataType, elementCount(tensor.dims)) ?? 0;
    for (let done = 0; done < length; done += chunkBytes) {
      yield this.reader.read(file, ref.offset + done, Math.min(chunkBytes, length - done), `${this.path}: tensor '${tensor.name}'`);
    }
  }

  /** Bytes on disk: the .onnx file and every external data file it references. */
  get totalBytes(): number {
    let n = this.fileBytes;
    for (const file of this.externalFiles.values()) n += this.reader.open(file).size;
    return n;
  }

  /**
   * SHA-256 over the .onnx file followed by its external data files in location order, so that a
   * change of weights kept outside the protobuf changes the hash too.
   */
  async sha256(): Promise<string> {
    const hash = createHash('sha256');
    const files = [this.path, ...[...this.externalFiles.keys()].sort().map((k) => this.externalFiles.get(k)!)];
    for (const file of files) {
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
    }
    return hash.digest('hex');
  }

  close(): void {
    this.reader.close();
  }
}
