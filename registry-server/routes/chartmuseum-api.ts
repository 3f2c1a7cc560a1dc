import { Router, type Request } from 'express';
import busboy from 'busboy';
import type { ChartRegistry } from '../registry.js';
import { checkRepo } from '../registry.js';
import { ChartroomError } from '../../core/errors.js';
import { authorize, route, sendError, type AccessPolicy } from '../http.js';

interface Upload {
  chart?: Buffer;
  prov?: Buffer;
  chartName?: string;
}

/** Reads a raw body up to `max` bytes; UPLOAD_TOO_LARGE past it, before reading it all. */
function readRaw(req: Request, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? -1);
    if (declared > max) return reject(new ChartroomError('UPLOAD_TOO_LARGE', `upload is larger than the limit of ${max} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.pause();
        reject(new ChartroomError('UPLOAD_TOO_LARGE', `upload is larger than the limit of ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Reads ChartMuseum's multipart form: fields `chart` and `prov`. */
function readMultipart(req: Request, max: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: max + 1, files: 2, fields: 10 } });
    } catch (e) {
      return reject(new ChartroomError('BAD_REQUEST', `bad multipart upload: ${(e as Error).message}`, { cause: e }));
    }
    const out: Upload = {};
    let failed = false;
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max) {
          failed = true;
          stream.resume();
          return reject(new ChartroomError('UPLOAD_TOO_LARGE', `upload is larger than the limit of ${max} bytes`));
        }
        chunks.push(c);
      });
      stream.on('end', () => {
        if (failed) return;
        if (field === 'chart') {
          out.chart = Buffer.concat(chunks);
          out.chartName = info.filename;
        } else if (field === 'prov') out.prov = Buffer.concat(chunks);
      });
    });
    bb.on('error', (e) => reject(new ChartroomError('BAD_REQUEST', `bad multipart upload: ${(e as Error).message}`, { cause: e })));
    bb.on('close', () => {
      if (!failed) resolve(out);
    });
    req.pipe(bb);
  });
}

/** ChartMuseum's API, for the root repository and (depth 1) for named repositories. */
export function chartMuseumRouter(registry: ChartRegistry, policy: AccessPolicy, maxUpload: number): Router {
  const r = Router();
  const repoOf = (req: Request) => checkRepo(String(req.params.repo ?? ''));
  const force = (req: Request) => req.query.force !== undefined && req.query.force !== 'false' && req.query.force !== '0';

  const upload = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'write')) === false) return;
    const isMultipart = /^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''));
    const body: Upload = isMultipart ? await readMultipart(req, maxUpload) : { chart: await readRaw(req, maxUpload) };
    if (!body.chart || body.chart.length === 0) {
      if (body.prov) {
        await registry.publishProv(repo, body.prov, { force: force(req) });
        return void res.status(201).json({ saved: true });
      }
      return sendError(res, 'BAD_REQUEST', 'no chart in the upload (send the .tgz as the body, or as the multipart field "chart")');
    }
    await registry.publish(repo, body.chart, { prov: body.prov, filename: body.chartName && body.chartName !== 'blob' ? body.chartName : undefined, force: force(req) });
    res.status(201).json({ saved: true });
  });

  const uploadProv = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'write')) === false) return;
    const isMultipart = /^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''));
    const prov = isMultipart ? (await readMultipart(req, maxUpload)).prov : await readRaw(req, maxUpload);
    if (!prov || prov.length === 0) return sendError(res, 'BAD_REQUEST', 'no provenance file in the upload');
    await registry.publishProv(repo, prov, { force: force(req) });
    res.status(201).json({ saved: true });
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
    const all = registry.readIndex(repo).versionsOf(String(req.params.name));
    if (all.length === 0) return sendError(res, 'CHART_NOT_FOUND', 'chart not found');
    if (req.method === 'HEAD') return void res.status(200).end();
    res.json(all);
  });

  const version = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'read')) === false) return;
    const name = String(req.params.name);
    const v = String(req.params.version);
    const entry = v === 'latest' ? registry.readIndex(repo).versionsOf(name)[0] : registry.readIndex(repo).get(name, v);
    if (!entry) return sendError(res, 'CHART_NOT_FOUND', 'improper chart version or chart not found');
    if (req.method === 'HEAD') return void res.status(200).end();
    res.json(entry);
  });

  const remove = route(async (req, res) => {
    const repo = repoOf(req);
    if ((await authorize(req, res, policy, repo, 'write')) === false) return;
    await registry.delete(repo, String(req.params.name), String(req.params.version));
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
