import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { readChartArchiveAsync } from '../../core/chart/archive.js';
import type { IndexEntry } from '../../core/repo/index-file.js';
import { sendErrorPage, type UiContext } from '../ui/context.js';
import { ModelGone } from '../ui/model-cache.js';
import { pageHandler, resolveChart, versionIn } from './ui.js';

/** The files of one unpacked archive, by their path inside the chart folder, and the bytes they hold. */
interface FileMap {
  files: Map<string, Buffer>;
  bytes: number;
}

export interface FileCacheLimits {
  /** Archives kept unpacked at once. */
  entries: number;
  /** Bytes of file content kept over all of them; an archive larger than this is unpacked for its request only. */
  bytes: number;
}

export const DEFAULT_FILE_CACHE: FileCacheLimits = { entries: 16, bytes: 32 * 1024 * 1024 };

/** The longest path accepted in a file URL, and the most segments. */
const MAX_PATH_CHARS = 1024;
const MAX_SEGMENTS = 32;

/**
 * Every chart file is sandboxed, whatever it is: an SVG opened directly runs no script, loads nothing, and is
 * its own opaque origin; its inline styles (which SVGs use for drawing) still apply.
 */
const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

const IMAGE_TYPES: ReadonlyMap<string, string> = new Map([
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['gif', 'image/gif'],
  ['webp', 'image/webp'],
  ['avif', 'image/avif'],
  ['ico', 'image/x-icon'],
  ['svg', 'image/svg+xml'],
]);
const TEXT_EXTENSIONS = new Set(['md', 'markdown', 'txt', 'text', 'yaml', 'yml', 'json', 'tpl', 'toml', 'csv', 'rst', 'adoc', 'helmignore']);
/** Files without an extension that are text by name (upper-cased before the lookup). */
const TEXT_NAMES = new Set(['LICENSE', 'LICENCE', 'NOTICE', 'NOTES', 'COPYING', 'AUTHORS', 'CONTRIBUTORS', 'CHANGELOG', 'CHANGES', 'README', 'OWNERS', 'MAINTAINERS', '.HELMIGNORE']);

/** How a chart file is served: its content type, and whether it is a download. */
export function fileType(path: string): { type: string; download: boolean } {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  const image = IMAGE_TYPES.get(ext);
  if (image) return { type: image, download: false };
  if (TEXT_EXTENSIONS.has(ext) || TEXT_NAMES.has(base.toUpperCase()) || /^(?:LICEN[CS]E|NOTES|NOTICE|COPYING)\./i.test(base)) {
    return { type: 'text/plain; charset=utf-8', download: false };
  }
  return { type: 'application/octet-stream', download: true };
}

/** A Content-Disposition for a download: an ASCII-only fallback name, and the real one encoded (RFC 6266, RFC 8187). */
export function attachment(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const ascii = base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200) || 'file';
  const encoded = encodeURIComponent(base).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The path a URL names inside a chart, from express's wildcard segments (already decoded): undefined unless
 * every segment is a plain name (no empty, `.` or `..` segment, no slash, backslash or NUL hidden in one).
 */
export function chartPathOf(segments: unknown): string | undefined {
  const parts = Array.isArray(segments) ? segments : typeof segments === 'string' ? [segments] : [];
  if (parts.length === 0 || parts.length > MAX_SEGMENTS) return undefined;
  for (const p of parts) {
    if (typeof p !== 'string' || p === '' || p === '.' || p === '..' || /[/\\\0]/.test(p)) return undefined;
  }
  const path = parts.join('/');
  return path.length > MAX_PATH_CHARS ? undefined : path;
}

/**
 * Unpacked archives, least recently used first, bounded by entries and by the bytes their files hold; an
 * unpacking in flight is shared, so a README with ten images unpacks its archive once.
 */
class FileMapCache {
  private readonly entries = new Map<string, FileMap>();
  private readonly inflight = new Map<string, Promise<FileMap>>();
  private bytes = 0;
  constructor(private readonly limits: FileCacheLimits) {}

  get(key: string, unpack: () => Promise<FileMap>): Promise<FileMap> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit);
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = unpack()
        .then((m) => {
          this.put(key, m);
          return m;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private put(key: string, m: FileMap): void {
    if (m.bytes > this.limits.bytes || this.limits.entries <= 0) return;
    this.entries.set(key, m);
    this.bytes += m.bytes;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }
}

/**
 * A chart version's own files, which README links and images point to: `/ui/charts/NAME/VERSION/files/PATH`
 * and `/ui/r/REPO/charts/NAME/VERSION/files/PATH`. Read like the chart page (same read rule, login redirect,
 * 404 pages). Only a regular file of the archive, named exactly, is served; images as images, text as plain
 * text, anything else as a download; every answer sandboxed and never sniffed.
 */
export function filesRouter(ctx: UiContext, limits: FileCacheLimits = DEFAULT_FILE_CACHE): Router {
  const r = Router();
  const cache = new FileMapCache(limits);

  const unpack = (repo: string, entry: IndexEntry) => async (): Promise<FileMap> => {
    const file = `${entry.name}-${entry.version}.tgz`;
    const found = await ctx.registry.file(repo, file);
    if (!found) throw new ModelGone();
    const { files } = await readChartArchiveAsync(found.body, file);
    const map = new Map<string, Buffer>();
    let bytes = 0;
    for (const f of files) {
      map.set(f.name, f.data);
      bytes += f.data.length;
    }
    return { files: map, bytes };
  };

  const serve = async (req: Request, res: Response): Promise<void> => {
    res.locals.route = req.params.repo === undefined ? '/ui/charts/:name/:version/files/*path' : '/ui/r/:repo/charts/:name/:version/files/*path';
    const found = await resolveChart(ctx, req, res);
    if (!found) return;
    const { repo, name, caller, versions } = found;
    const version = String(req.params.version);
    const entry = versionIn(versions, version);
    if (!entry) return sendErrorPage(req, res, 404, `${name} has no version ${version}.`, caller);
    const path = chartPathOf(req.params.path);
    if (path === undefined) return sendErrorPage(req, res, 404, 'No such file in this chart.', caller);

    const etag = `"f-${createHash('sha256').update(`${entry.digest ?? ''}\0${path}`).digest('hex').slice(0, 32)}"`;
    const cacheControl = ctx.policy.requireAuthForReads || caller.session ? 'private, no-cache' : 'public, no-cache';
    const common = (): void => {
      res.setHeader('Content-Security-Policy', FILE_CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      res.setHeader('Cache-Control', cacheControl);
      res.setHeader('Vary', 'Authorization, Cookie');
    };
    // The ETag names the archive's digest and the path: whether the file exists cannot change under it.
    if (req.headers['if-none-match'] === etag) {
      common();
      res.setHeader('ETag', etag);
      return void res.status(304).end();
    }

    const key = [repo, name, entry.version, entry.digest ?? ''].join('\0');
    const { files } = await cache.get(key, unpack(repo, entry));
    const data = files.get(path);
    if (data === undefined) return sendErrorPage(req, res, 404, `${name} ${entry.version} has no file ${path}.`, caller);
    const { type, download } = fileType(path);
    common();
    res.setHeader('ETag', etag);
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Disposition', download ? attachment(path) : 'inline');
    res.setHeader('Content-Length', String(data.length));
    res.status(200).end(data);
  };

  const handler = pageHandler(serve);
  r.get('/ui/charts/:name/:version/files/*path', handler);
  r.get('/ui/r/:repo/charts/:name/:version/files/*path', handler);
  return r;
}
