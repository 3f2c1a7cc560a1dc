import { Router, type Request, type Response } from 'express';
import semver from 'semver';
import type { Logger } from 'pino';
import type { ChartRegistry } from '../registry.js';
import { checkRepo } from '../registry.js';
import { ChartroomError, hasCode } from '../../core/errors.js';
import { authorize, route, sendError, type AccessPolicy } from '../http.js';
import type { UploadBudget } from '../upload-budget.js';
import { ClientAborted, declaredLength, isMultipart, readMultipart, readRaw, type Upload } from '../upload-body.js';

export interface ChartMuseumOptions {
  maxUploadBytes: number;
  /** Upload bytes held at once over all requests. */
  budget: UploadBudget;
  /** Seconds a client told the budget is full should wait (Retry-After). */
  retryAfterSeconds?: number;
}

/** Room for a multipart form's boundaries and part headers around files of at most the upload limit. */
const MULTIPART_OVERHEAD = 64 * 1024;

const CHART_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_CHART_NAME = 250;
/** A name or version from a URL, for a message: short and printable. */
const shown = (s: string) => JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s);

/** A chart name from a URL, checked before it can reach the index or storage keys; BAD_REQUEST otherwise. */
function chartName(raw: unknown): string {
  const name = String(raw ?? '');
  if (name.length > MAX_CHART_NAME || !CHART_NAME_RE.test(name)) {
    throw new ChartroomError('BAD_REQUEST', `${shown(name)} is not a valid chart name (letters, digits, ".", "_" and "-", starting with a letter or digit, at most ${MAX_CHART_NAME} characters)`);
  }
  return name;
}

/** A chart version from a URL: SemVer 2, a leading "v" allowed ("latest" where `latest` is true); BAD_REQUEST otherwise. */
function chartVersion(raw: unknown, opts: { latest?: boolean } = {}): string {
  const v = String(raw ?? '');
  if (opts.latest && v === 'latest') return v;
  // semver.valid trims whitespace before it parses; a version in a URL has none.
  if (/\s/.test(v) || semver.valid(v) === null) throw new ChartroomError('BAD_REQUEST', `${shown(v)} is not a valid chart version (SemVer 2, such as 1.2.3)`);
  return v;
}

const logOf = (req: Request) => (req as Request & { log?: Logger }).log;

/** ChartMuseum's API, for the root repository and (depth 1) for named repositories. */
export function chartMuseumRouter(registry: ChartRegistry, policy: AccessPolicy, opts: ChartMuseumOptions): Router {
  const r = Router();
  const maxUpload = opts.maxUploadBytes;
  const retryAfter = opts.retryAfterSeconds ?? 5;
  const repoOf = (req: Request) => checkRepo(String(req.params.repo ?? ''));
  const force = (req: Request) => req.query.force !== undefined && req.query.force !== 'false' && req.query.force !== '0';

  /**
   * Receives an upload within the upload budget, then hands it to `use`. The upload's bytes (its Content-Length,
   * or the limit when the body comes chunked) are reserved before its body is read: when they do not fit, the
   * answer is 503 with Retry-After at once, the body is never read and the connection closes after the answer.
   * The reservation lasts until `use` is done with the bytes, and is released however the request ends (answer,
   * error, client gone). A client that goes away mid-body is logged as a warning; nobody is left to answer.
   */
  async function receive(req: Request, res: Response, use: (body: Upload) => Promise<void>): Promise<void> {
    const multipart = isMultipart(req);
    const declared = declaredLength(req);
    if (declared !== undefined && declared > maxUpload + (multipart ? MULTIPART_OVERHEAD : 0)) {
      res.setHeader('Connection', 'close');
      throw new ChartroomError('UPLOAD_TOO_LARGE', `upload is larger than the limit of ${maxUpload} bytes`);
    }
    const reservation = opts.budget.tryReserve(declared === undefined ? maxUpload : Math.min(declared, maxUpload));
    if (!reservation) {
      res.setHeader('Retry-After', String(retryAfter));
      // The body is never read: closing the connection after the answer spares receiving it at all.
      res.setHeader('Connection', 'close');
      throw new ChartroomError('SERVER_BUSY', `the registry is receiving too many uploads at once; retry in ${retryAfter} seconds`);
    }
    try {
      let body: Upload;
      try {
        body = multipart ? await readMultipart(req, maxUpload) : { chart: await readRaw(req, maxUpload) };
      } catch (e) {
        // What is left of a body past the limit is not worth receiving.
        if (hasCode(e, 'UPLOAD_TOO_LARGE')) res.setHeader('Connection', 'close');
        if (!(e instanceof ClientAborted)) throw e;
        logOf(req)?.warn({ method: req.method, path: req.path, received: e.received, announced: declared ?? null }, e.message);
        return;
      }
      await use(body);
    } finally {
      reservation.release();
    }
  }

  const upload = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'write')) === false) return;
    await receive(req, res, async (body) => {
      if (!body.chart || body.chart.length === 0) {
        if (body.prov) {
          await registry.publishProv(repo, body.prov, { force: force(req) });
          return void res.status(201).json({ saved: true });
        }
        return sendError(res, 'BAD_REQUEST', 'no chart in the upload (send the .tgz as the body, or as the multipart field "chart")');
      }
      const filename = body.chartName && body.chartName !== 'blob' ? body.chartName : undefined;
      await registry.publish(repo, body.chart, { prov: body.prov, filename, force: force(req) });
      res.status(201).json({ saved: true });
    });
  });

  const uploadProv = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'write')) === false) return;
    await receive(req, res, async (body) => {
      const prov = isMultipart(req) ? body.prov : body.chart;
      if (!prov || prov.length === 0) return sendError(res, 'BAD_REQUEST', 'no provenance file in the upload');
      await registry.publishProv(repo, prov, { force: force(req) });
      res.status(201).json({ saved: true });
    });
  });

  const list = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'read')) === false) return;
    const idx = registry.readIndex(repo);
    const offset = Math.max(0, Number(req.query.offset ?? 0) || 0);
    const limit = req.query.limit !== undefined ? Math.max(0, Number(req.query.limit) || 0) : Infinity;
    const out: Record<string, unknown> = Object.create(null);
    for (const name of idx.names().slice(offset, offset + limit)) out[name] = idx.versionsOf(name);
    res.json(out);
  });

  const versions = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'read')) === false) return;
    const name = chartName(req.params.name);
    const all = registry.readIndex(repo).versionsOf(name);
    if (all.length === 0) return sendError(res, 'CHART_NOT_FOUND', 'chart not found');
    if (req.method === 'HEAD') return void res.status(200).end();
    res.json(all);
  });

  const version = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'read')) === false) return;
    const name = chartName(req.params.name);
    const v = chartVersion(req.params.version, { latest: true });
    const entry = v === 'latest' ? registry.readIndex(repo).versionsOf(name)[0] : registry.readIndex(repo).get(name, v);
    if (!entry) return sendError(res, 'CHART_NOT_FOUND', 'improper chart version or chart not found');
    if (req.method === 'HEAD') return void res.status(200).end();
    res.json(entry);
  });

  const remove = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'write')) === false) return;
    await registry.delete(repo, chartName(req.params.name), chartVersion(req.params.version));
    res.json({ deleted: true });
  });

  for (const base of ['/api', '/api/:repo']) {
    r.post(`${base}/charts`, upload);
    r.post(`${base}/prov`, uploadProv);
    r.get(`${base}/charts`, list);
    r.get(`${base}/charts/:name`, versions);
    r.get(`${base}/charts/:name/:version`, version);
    r.delete(`${base}/charts/:name/:version`, remove);
  }
  return r;
}
