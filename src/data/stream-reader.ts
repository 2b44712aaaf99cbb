/**
 * Exact-length reads from a stream of chunks: what a deflated .npz member needs, since deflate
 * can only be read from its start. Holds at most one chunk beyond what was asked for.
 */
import type { Readable } from 'node:stream';

export class StreamReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer | undefined;
  private done = false;

  constructor(stream: Readable) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Fills target[offset, offset + length); returns how many bytes there were (fewer at the end). */
  async readInto(target: Uint8Array | undefined, offset: number, length: number): Promise<number> {
    let got = 0;
    while (got < length) {
      if (!this.pending || this.pending.byteLength === 0) {
        if (this.done) break;
        const next = await this.chunks.next();
        if (next.done) {
          this.done = true;
          break;
        }
        this.pending = next.value;
        continue;
      }
      const n = Math.min(length - got, this.pending.byteLength);
      target?.set(this.pending.subarray(0, n), offset + got);
      this.pending = this.pending.subarray(n);
      got += n;
    }
    return got;
  }

  /** Reads and drops `length` bytes; returns how many there were. */
  skip(length: number): Promise<number> {
    return this.readInto(undefined, 0, length);
  }

  /** Stops the stream (and whatever feeds it) early. */
  async close(): Promise<void> {
    this.pending = undefined;
    if (!this.done) {
      this.done = true;
      await this.chunks.return?.().catch(() => undefined);
    }
  }
}
