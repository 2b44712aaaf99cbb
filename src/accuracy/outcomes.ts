/**
 * What a labelled scoring keeps per sample: whether top-1 and top-5 were right, one byte a sample,
 * indexed by the sample's position in the evaluation set. This, not the outputs, is what pairs
 * FP32 with a candidate model for the accuracy loss, so memory stays at a byte a sample however
 * large the outputs are.
 */

const SEEN = 0x80;
const TOP1 = 0x01;
const TOP5 = 0x02;

export class SampleOutcomes {
  private bytes = new Uint8Array(1024);
  private end = 0;
  private recorded = 0;

  /** Records sample `index`; each sample once. */
  record(index: number, top1: boolean, top5: boolean): void {
    if (index >= this.bytes.length) this.grow(index + 1);
    if (this.bytes[index]! & SEEN) throw new Error(`sample ${index} was scored twice`);
    this.bytes[index] = SEEN | (top1 ? TOP1 : 0) | (top5 ? TOP5 : 0);
    this.end = Math.max(this.end, index + 1);
    this.recorded++;
  }

  /** Samples recorded. */
  get count(): number {
    return this.recorded;
  }

  /** One past the highest index recorded; equals `count` when no sample is missing. */
  get length(): number {
    return this.end;
  }

  seen(index: number): boolean {
    return index < this.end && (this.bytes[index]! & SEEN) !== 0;
  }

  top1(index: number): boolean {
    return (this.bytes[index]! & TOP1) !== 0;
  }

  top5(index: number): boolean {
    return (this.bytes[index]! & TOP5) !== 0;
  }

  private grow(needed: number): void {
    let size = this.bytes.length;
    while (size < needed) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.bytes);
    this.bytes = bigger;
  }
}
