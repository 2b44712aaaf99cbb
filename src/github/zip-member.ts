/**
 * One member of a zip archive held in memory (a downloaded artifact), read whole up to a cap.
 * yauzl checks each member's sizes against its headers as it inflates, and the count here stops
 * a member that inflates past the cap whatever its headers claim.
 */
import yauzl from 'yauzl';
import { entriesOf } from '../zip/entries.js';

/** The member's bytes; null where the archive has no member of that name. Throws on a damaged archive. */
export async function readZipMember(zip: Buffer, name: string, maxBytes: number): Promise<Buffer | null> {
  const archive = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  try {
    const entry = (await entriesOf(archive)).find((e) => e.fileName === name);
    if (!entry) return null;
    if (entry.uncompressedSize > maxBytes) throw new Error(`${name} declares ${entry.uncompressedSize} bytes, more than ${maxBytes}`);
    return await readWhole(await archive.openReadStreamPromise(entry), name, maxBytes);
  } finally {
    archive.close();
  }
}

async function readWhole(stream: NodeJS.ReadableStream, name: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw new Error(`${name} inflates past ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
