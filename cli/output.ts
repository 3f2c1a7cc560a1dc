import { writeSync } from 'node:fs';
import { describeError, describeSystemError, isSystemError, ChartroomError } from '../core/errors.js';

/** Collects a repeatable flag's values. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export type OutputFormat = 'text' | 'json' | 'yaml' | 'table';

/** Prints an error once, at the edge: text on stderr, or a JSON object with --output json. */
export function reportError(err: unknown, format: OutputFormat = 'text'): void {
  // Last resort: a system error (ENOENT, EACCES…) on a path that no caller described becomes a sentence.
  if (!(err instanceof ChartroomError) && isSystemError(err) && typeof err.path === 'string') {
    err = describeSystemError(err, err.path, { what: systemErrorSubject(err.syscall), writing: isWriteCall(err.syscall) });
  }
  if (format === 'json') {
    const body = err instanceof ChartroomError ? err.toJSON() : { error: err instanceof Error ? err.message : String(err), code: 'INTERNAL' };
    writeErr(JSON.stringify(body) + '\n');
  } else {
    writeErr(describeError(err) + '\n');
    if (!(err instanceof ChartroomError) && process.env.CHARTROOM_DEBUG && err instanceof Error && err.stack) writeErr(err.stack + '\n');
  }
  process.exitCode = 1;
}

const WRITE_CALLS = new Set(['mkdir', 'write', 'rename', 'unlink', 'rmdir', 'rm', 'copyfile', 'symlink', 'link', 'chmod', 'utime']);

function isWriteCall(syscall: string | undefined): boolean {
  return syscall !== undefined && WRITE_CALLS.has(syscall);
}

function systemErrorSubject(syscall: string | undefined): string {
  return syscall === 'scandir' || syscall === 'mkdir' || syscall === 'rmdir' || syscall === 'opendir' ? 'folder' : 'file';
}

/** Runs a command body and turns any failure into a message and a non-zero exit. */
export async function runCommand(body: () => Promise<void>, format: () => OutputFormat = () => 'text'): Promise<void> {
  try {
    await body();
  } catch (e) {
    reportError(e, format());
  }
}

/** Set once stdout or stderr has to be written through Node's stream (a non-blocking pipe that filled up). */
const streamed = { 1: false, 2: false };

/** Node's stream for stdout (1) or stderr (2), set up on first use. */
const streamOf = (fd: 1 | 2) => (fd === 1 ? process.stdout : process.stderr);

/**
 * Writes to stdout (1) or stderr (2) through the file descriptor: `process.stdout` and `process.stderr` cost a
 * run 2–3 ms each to set up on a pipe (`chart template | kubectl apply -f -`), and Node's streams 1 ms more to
 * load. When a non-blocking pipe is full, the rest goes through Node's stream, which waits for it.
 */
function writeTo(fd: 1 | 2, text: string): void {
  if (streamed[fd]) {
    streamOf(fd).write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        // A reader that went away (`| head`): stdout ends the run quietly with 141, as helm ends by SIGPIPE;
        // stderr has nobody left to tell.
        if (fd === 1) process.exit(141);
        return;
      }
      if (code !== 'EAGAIN') throw e;
      streamed[fd] = true;
      streamOf(fd).on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        if (fd === 1) process.exit(141);
      });
      streamOf(fd).write(bytes.subarray(done));
      return;
    }
  }
}

/**
 * Ends the run with `code` at once, after anything queued in Node's streams (see writeTo) is written. Left to
 * itself, Node waits at the end of a run for V8's background work (concurrent marking and sweeping) before it
 * exits: 1–9 ms of a render, with nothing left to do. For commands whose action finishes all their work.
 */
export function exitWhenWritten(code: number): void {
  const queued = ([1, 2] as const).filter((fd) => streamed[fd]);
  if (queued.length === 0) process.exit(code);
  let left = queued.length;
  for (const fd of queued) {
    streamOf(fd).write('', () => {
      if (--left === 0) process.exit(code);
    });
  }
}

/** Prints on stdout (see writeTo). */
export function writeOut(text: string): void {
  writeTo(1, text);
}

/** Prints on stderr (see writeTo): notes, warnings and errors. */
export function writeErr(text: string): void {
  writeTo(2, text);
}

export function warn(message: string): void {
  writeErr(`WARNING: ${message}\n`);
}

/** Rows as a table: columns padded to their widest cell, the last column left as is. */
export function formatTable(rows: string[][]): string {
  const last = rows[0].length - 1;
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, i) => (i < last ? cell.padEnd(widths[i]) : cell)).join('\t')).join('\n') + '\n';
}
