/**
 * `quantgate run … | head -2` closes the pipe after two lines; every later write to it fails with
 * EPIPE, which Node reports as an 'error' event that, unhandled, ends the process with status 1,
 * the "gate failed" code, before the run has written its results. Messages to a reader that is
 * gone are dropped instead: the run finishes, writes results.json and report.md, and exits with
 * its own verdict.
 */
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

export function ignoreClosedPipes(...streams: NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (CLOSED.has(error.code ?? '')) return;
      // Anything else is not ours to hide: fail as an unhandled error would have.
      throw error;
    });
  }
}
