import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { PreconditionFailed, RangeNotSatisfiable, StorageUnavailable, checkKey, streamTooLarge, type ByteRange, type ListPage, type ObjectInfo, type ObjectStore, type ObjectStream, type PutOptions, type PutStreamOptions, type StoredObject } from './object-store.js';

export interface S3StoreOptions {
  bucket: string;
  prefix?: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Explicit credentials (tests); otherwise the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
}

interface AwsError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  message?: string;
}

/**
 * What a streamed write holds in memory at once: a stream that ends within one part is one PUT (conditional
 * when asked); a longer one is a multipart upload of parts this size (S3's minimum part is 5 MiB).
 */
const PART_BYTES = 8 * 1024 * 1024;

const unquote = (etag: string | undefined) => (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');

/**
 * Runs `make` (which creates an S3 client) without the SDK's NodeVersionSupportWarning: that its releases from
 * 2027 on will need a newer Node. It is news for whoever upgrades the SDK here, not for the users of `chart serve`,
 * who cannot act on it. The SDK emits it synchronously while a client is made, once per process; every other
 * warning passes.
 */
function withoutNodeVersionNotice<T>(make: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    if (String(typeof warning === 'string' ? warning : warning?.message).startsWith('NodeVersionSupportWarning')) return;
    return (emit as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return make();
  } finally {
    process.emitWarning = emit;
  }
}

/**
 * Objects in an S3-compatible bucket. Create-only writes send `If-None-Match: *`, replacing writes
 * `If-Match: <etag>` (unquoted: Ceph RGW refuses the quoted form); both are honoured by AWS S3, Ceph and MinIO.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly opts: S3StoreOptions) {
    const config: S3ClientConfig = {
      region: opts.region ?? 'us-east-1',
      endpoint: opts.endpoint,
      forcePathStyle: opts.forcePathStyle ?? !!opts.endpoint,
      credentials: opts.credentials,
      // Buffers with a known length; no streaming checksums (Ceph RGW answers 411 to those).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { requestTimeout: opts.timeoutMs ?? 10_000, connectionTimeout: Math.min(opts.timeoutMs ?? 10_000, 3000) } as S3ClientConfig['requestHandler'],
    };
    this.client = withoutNodeVersionNotice(() => new S3Client(config));
    this.prefix = opts.prefix ? opts.prefix.replace(/^\/+|\/+$/g, '') + '/' : '';
  }

  private k(key: string): string {
    return this.prefix + checkKey(key);
  }

  private status(e: unknown): number | undefined {
    return (e as AwsError)?.$metadata?.httpStatusCode;
  }

  private fail(e: unknown, what: string): never {
    const err = e as AwsError;
    throw new StorageUnavailable(`s3 storage: ${what}: ${err?.name ?? 'error'} ${err?.message ?? ''}`.trim(), e);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.k(key) }));
      return { key, etag: unquote(r.ETag), size: r.ContentLength ?? 0, lastModified: r.LastModified ?? new Date(0) };
    } catch (e) {
      if (this.status(e) === 404) return undefined;
      return this.fail(e, `head ${key}`);
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.k(key) }));
      const body = Buffer.from(await r.Body!.transformToByteArray());
      return { key, body, etag: unquote(r.ETag), size: body.length, lastModified: r.LastModified ?? new Date(0) };
    } catch (e) {
      if (this.status(e) === 404 || (e as AwsError).name === 'NoSuchKey') return undefined;
      return this.fail(e, `get ${key}`);
    }
  }

  async put(key: string, body: Buffer, opts: PutOptions = {}): Promise<ObjectInfo> {
    const conditional = opts.ifNoneMatch !== undefined || opts.ifMatch !== undefined;
    try {
      const r = await this.client.send(
        new PutObjectCommand({
          Bucket: this.opts.bucket,
          Key: this.k(key),
          Body: body,
          ContentLength: body.length,
          ContentType: opts.contentType ?? 'application/octet-stream',
          IfNoneMatch: opts.ifNoneMatch,
          IfMatch: opts.ifMatch,
        }),
      );
      let etag = unquote(r.ETag);
      if (!etag) etag = (await this.head(key))?.etag ?? '';
      return { key, etag, size: body.length, lastModified: new Date() };
    } catch (e) {
      const status = this.status(e);
      if (status === 412 || status === 409 || (e as AwsError).name === 'PreconditionFailed' || (e as AwsError).name === 'ConditionalRequestConflict') throw new PreconditionFailed(key);
      // Ceph RGW sometimes answers the losers of a conditional race with 500: treat it as lost, re-read.
      if (conditional && status !== undefined && status >= 500) {
        const now = await this.head(key).catch(() => undefined);
        if (now && (opts.ifNoneMatch === '*' || now.etag !== opts.ifMatch)) throw new PreconditionFailed(key);
      }
      return this.fail(e, `put ${key}`);
    }
  }

  async putStream(key: string, body: AsyncIterable<Buffer>, opts: PutStreamOptions = {}): Promise<ObjectInfo> {
    const max = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
    let parts: Buffer[] = [];
    let held = 0;
    let size = 0;
    let upload: { id: string; done: { ETag: string; PartNumber: number }[] } | undefined;
    const flush = async () => {
      const part = Buffer.concat(parts, held);
      parts = [];
      held = 0;
      if (!upload) {
        const created = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.opts.bucket, Key: this.k(key), ContentType: opts.contentType ?? 'application/octet-stream' })).catch((e) => this.fail(e, `put ${key}`));
        upload = { id: created.UploadId!, done: [] };
      }
      const n = upload.done.length + 1;
      const r = await this.client.send(new UploadPartCommand({ Bucket: this.opts.bucket, Key: this.k(key), UploadId: upload.id, PartNumber: n, Body: part, ContentLength: part.length })).catch((e) => this.fail(e, `put ${key}`));
      upload.done.push({ ETag: r.ETag ?? '', PartNumber: n });
    };
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > max) throw streamTooLarge(max);
        parts.push(chunk);
        held += chunk.length;
        if (held >= PART_BYTES) await flush();
      }
      if (!upload) return await this.put(key, Buffer.concat(parts, held), { ifNoneMatch: opts.ifNoneMatch, contentType: opts.contentType });
      if (held > 0) await flush();
      const { id, done } = upload;
      try {
        const r = await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.opts.bucket, Key: this.k(key), UploadId: id, MultipartUpload: { Parts: done }, IfNoneMatch: opts.ifNoneMatch }));
        upload = undefined;
        return { key, etag: unquote(r.ETag), size, lastModified: new Date() };
      } catch (e) {
        const status = this.status(e);
        if (status === 412 || status === 409 || (e as AwsError).name === 'PreconditionFailed') throw new PreconditionFailed(key);
        return this.fail(e, `put ${key}`);
      }
    } finally {
      // A failed or refused stream leaves no parts behind.
      if (upload) await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.opts.bucket, Key: this.k(key), UploadId: upload.id })).catch(() => undefined);
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<ObjectStream | undefined> {
    const header = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.k(key), Range: header }));
      const body = r.Body as Readable;
      const length = r.ContentLength ?? 0;
      // `bytes START-END/SIZE` when a range was served; without one the whole object came.
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.ContentRange ?? '');
      const size = m ? Number(m[3]) : length;
      const start = m ? Number(m[1]) : 0;
      const end = m ? Number(m[2]) : length - 1;
      return { key, body, start, end, etag: unquote(r.ETag), size, lastModified: r.LastModified ?? new Date(0) };
    } catch (e) {
      if (this.status(e) === 404 || (e as AwsError).name === 'NoSuchKey') return undefined;
      if (this.status(e) === 416 || (e as AwsError).name === 'InvalidRange') {
        const info = await this.head(key);
        if (!info) return undefined;
        throw new RangeNotSatisfiable(info.size);
      }
      return this.fail(e, `get ${key}`);
    }
  }

  async copy(from: string, to: string, opts: { contentType?: string } = {}): Promise<ObjectInfo | undefined> {
    const source = `${this.opts.bucket}/${this.k(from)}`.split('/').map(encodeURIComponent).join('/');
    try {
      const r = await this.client.send(
        new CopyObjectCommand({ Bucket: this.opts.bucket, Key: this.k(to), CopySource: source, ...(opts.contentType ? { ContentType: opts.contentType, MetadataDirective: 'REPLACE' } : {}) }),
      );
      const info = await this.head(to);
      return info ?? { key: to, etag: unquote(r.CopyObjectResult?.ETag), size: 0, lastModified: r.CopyObjectResult?.LastModified ?? new Date() };
    } catch (e) {
      if (this.status(e) === 404 || (e as AwsError).name === 'NoSuchKey') return undefined;
      return this.fail(e, `copy ${from} to ${to}`);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: this.k(key) }));
    } catch (e) {
      if (this.status(e) === 404) return;
      this.fail(e, `delete ${key}`);
    }
  }

  async list(prefix: string, opts: { cursor?: string; limit?: number } = {}): Promise<ListPage> {
    try {
      const r = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.opts.bucket,
          Prefix: this.prefix + prefix,
          MaxKeys: opts.limit ?? 1000,
          StartAfter: opts.cursor ? this.prefix + opts.cursor : undefined,
        }),
      );
      const objects = (r.Contents ?? []).map((o) => ({ key: (o.Key ?? '').slice(this.prefix.length), etag: unquote(o.ETag), size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) }));
      return { objects, next: r.IsTruncated && objects.length ? objects[objects.length - 1].key : undefined };
    } catch (e) {
      return this.fail(e, `list ${prefix}`);
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
