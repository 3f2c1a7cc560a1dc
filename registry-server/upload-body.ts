import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ChartroomError } from '../core/errors.js';

/** What an upload carried: ChartMuseum's multipart fields `chart` and `prov`, or a raw body as `chart`. */
export interface Upload {
  chart?: Buffer;
  prov?: Buffer;
  chartName?: string;
}

/** The client closed the connection before its upload was complete: there is nobody left to answer. */
export class ClientAborted extends Error {
  constructor(readonly received: number) {
    super('client closed the connection during the upload');
    this.name = 'ClientAborted';
  }
}

const tooLarge = (max: number) => new ChartroomError('UPLOAD_TOO_LARGE', `upload is larger than the limit of ${max} bytes`);
const badMultipart = (e: unknown) => new ChartroomError('BAD_REQUEST', `bad multipart upload: ${(e as Error)?.message ?? String(e)}`, { cause: e });

/** The Content-Length the client announced; undefined when it sends its body chunked. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''));
}

/**
 * Settles a body read once, however the request ends: its body ends, the client goes away (ClientAborted), or
 * a reader fails. The request's error listener stays attached for good, so a late error never goes unhandled.
 */
function watchRequest<T>(req: IncomingMessage, received: () => number, resolve: (v: T) => void, reject: (e: unknown) => void) {
  let settled = false;
  const settle = (err: unknown, value?: T) => {
    if (settled) return;
    settled = true;
    if (err === undefined) resolve(value as T);
    else reject(err);
  };
  req.on('error', () => settle(new ClientAborted(received())));
  req.on('close', () => {
    if (!req.complete) settle(new ClientAborted(received()));
  });
  return { settle, settled: () => settled };
}

/** Lets the rest of a body we will not use flow past without keeping it, so the answer reaches the client. */
function discard(req: IncomingMessage): void {
  req.removeAllListeners('data');
  req.resume();
}

/** Reads a raw body of at most `max` bytes; UPLOAD_TOO_LARGE past it (at once if the announced length is larger). */
export function readRaw(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = declaredLength(req);
    if (declared !== undefined && declared > max) return reject(tooLarge(max));
    // With an announced length, one buffer of that size (allocated when the first bytes arrive) and no copy at the end.
    let exact: Buffer | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const w = watchRequest<Buffer>(req, () => size, resolve, reject);
    req.on('data', (c: Buffer) => {
      if (w.settled()) return;
      if (size + c.length > (declared ?? max)) {
        // Only a chunked body can pass the limit (Node's parser ends a body at its Content-Length).
        w.settle(tooLarge(max));
        return discard(req);
      }
      if (declared !== undefined) {
        exact ??= Buffer.allocUnsafe(declared);
        c.copy(exact, size);
      } else chunks.push(c);
      size += c.length;
    });
    req.on('end', () => w.settle(undefined, exact ? exact.subarray(0, size) : Buffer.concat(chunks, size)));
  });
}

/**
 * Reads ChartMuseum's multipart form: files `chart` and `prov`, together at most `max` bytes. Every stream's
 * errors are handled: the request's, busboy's, and each file stream's (busboy destroys the file stream of a
 * form that ends early with "Unexpected end of form", which would otherwise be an unhandled 'error').
 */
export function readMultipart(req: IncomingMessage, max: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: max + 1, files: 2, fields: 10, fieldSize: 1024, parts: 16, headerPairs: 100 } });
    } catch (e) {
      return reject(badMultipart(e));
    }
    const out: Upload = {};
    let total = 0;
    const w = watchRequest<Upload>(req, () => total, resolve, reject);
    const fail = (err: unknown) => {
      if (w.settled()) return;
      w.settle(err);
      req.unpipe(bb);
      bb.destroy();
      discard(req);
    };
    bb.on('error', (e) => fail(badMultipart(e)));
    bb.on('file', (field, stream, info) => {
      stream.on('error', (e) => fail(badMultipart(e)));
      if ((field !== 'chart' && field !== 'prov') || w.settled()) return void stream.resume();
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        if (w.settled()) return;
        size += c.length;
        total += c.length;
        if (size > max) return fail(tooLarge(max));
        // The registry's own rule for a chart and its provenance file together.
        if (total > max) return fail(new ChartroomError('UPLOAD_TOO_LARGE', `chart archive is larger than the upload limit of ${max} bytes`));
        chunks.push(c);
      });
      stream.on('end', () => {
        if (w.settled()) return;
        if (field === 'chart') {
          out.chart = Buffer.concat(chunks, size);
          out.chartName = info.filename;
        } else out.prov = Buffer.concat(chunks, size);
      });
    });
    bb.on('close', () => w.settle(undefined, out));
    req.pipe(bb);
  });
}
