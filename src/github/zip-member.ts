/**
 * One member of a zip archive held in memory (a downloaded artifact), read whole up to a cap.
 * yauzl checks each member's sizes against its headers as it inflates, and the count here stops
 * a member that inflates past the cap whatever its headers claim.
 */
import yauzl from 'yauzl';

/** The member's bytes; null where the archive has no member of that name. Throws on a damaged archive. */
export async function readZipMember(zip: Buffer, name: string, maxBytes: number): Promise<Buffer | null> {
  const archive = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  try {
    for (;;) {
      const entry = await nextEntry(archive);
      if (!entry) return null;
      if (entry.fileName !== name) continue;
      if (entry.uncompressedSize > maxBytes) throw new Error(`${name} declares ${entry.uncompressedSize} bytes, more than ${maxBytes}`);
      return await readWhole(await archive.openReadStreamPromise(entry), name, maxBytes);
    }
  } finally {
    archive.close();
  }
}

function nextEntry(archive: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      archive.off('entry', onEntry).off('end', onEnd).off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(null));
    const onError = (error: Error) => (cleanup(), reject(error));
    archive.on('entry', onEntry).on('end', onEnd).on('error', onError);
    archive.readEntry();
  });
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
