/**
 * How the CLI ends. `process.exit` right after a write cuts a pipe off at the kernel's buffer (64 KiB):
 * the rest of the JSON is still queued in the stream. So every exit waits until stdout and stderr
 * have handed all their data to the OS (a `write('', cb)` callback runs after every earlier chunk)
 * and only then exits, which still does not wait on handles tfjs backends keep open (wasm worker
 * pools, GPU devices). A reader that closes the pipe early (`| head`) ends the CLI quietly instead of
 * an unhandled EPIPE: there is nobody left to tell anything.
 */

let exiting = false;

/** Exits with `code` once stdout and stderr are flushed. */
export function exitAfterFlush(code: number): void {
  process.exitCode = code;
  if (exiting) return;
  exiting = true;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  for (const s of [process.stdout, process.stderr]) {
    if (s.destroyed || s.writableEnded || !s.writable) done();
    else s.write('', () => done());
  }
}

/** EPIPE on stdout: the reader is gone, stop quietly; on stderr: stop writing there. */
export function installPipeGuards(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    // Nothing more can be delivered; the exit status so far (0 unless a failure was already known).
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
