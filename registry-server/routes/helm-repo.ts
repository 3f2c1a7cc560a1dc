import { Router, type Request, type Response } from 'express';
import type { ChartRegistry } from '../registry.js';
import { checkRepo } from '../registry.js';
import { authorize, route, sendError, type AccessPolicy } from '../http.js';

/**
 * Helm's repository protocol: index.yaml (and index.json) and chart archives, for the root repository and
 * each named one. Responses are compressed only when the client asks (helm never does, and breaks on
 * compression it did not ask for).
 */
export function helmRepoRouter(registry: ChartRegistry, policy: AccessPolicy, isReady: () => boolean): Router {
  const r = Router();

  const index = (format: 'yaml' | 'json') =>
    route(async (req: Request, res: Response) => {
      const repo = checkRepo(String(req.params.repo ?? ''));
      if ((await authorize(req, res, policy, repo, 'read')) === false) return;
      if (!isReady()) return sendError(res, 'INDEX_LOADING', 'the index is still loading from storage');
      const idx = registry.readIndex(repo);
      const rendered = idx.render();
      // Clients that ask for JSON (Chartroom's own) get it from /index.yaml too: large indexes parse far faster.
      const asJson = format === 'json' || /\bapplication\/json\b/.test(String(req.headers.accept ?? ''));
      const etag = asJson && format === 'yaml' ? `${rendered.etag.slice(0, -1)}-json"` : rendered.etag;
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Vary', 'Accept, Accept-Encoding');
      if (req.headers['if-none-match'] === etag) return void res.status(304).end();
      if (asJson) {
        res.type('application/json');
        return void res.end(req.method === 'HEAD' ? undefined : idx.json());
      }
      res.type('application/x-yaml');
      const wantsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = wantsGzip ? idx.gzipped() : rendered.yaml;
      if (wantsGzip) res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('Content-Length', String(body.length));
      res.end(req.method === 'HEAD' ? undefined : body);
    });

  const chartFile = route(async (req: Request, res: Response) => {
    const repo = checkRepo(String(req.params.repo ?? ''));
    if ((await authorize(req, res, policy, repo, 'read')) === false) return;
    const file = String(req.params.file);
    const found = await registry.file(repo, file);
    if (!found) return sendError(res, 'NOT_FOUND', `${file} not found`);
    res.setHeader('ETag', `"${found.etag}"`);
    if (req.headers['if-none-match'] === `"${found.etag}"`) return void res.status(304).end();
    res.type(file.endsWith('.prov') ? 'application/pgp-signature' : 'application/gzip');
    res.setHeader('Content-Length', String(found.body.length));
    res.end(req.method === 'HEAD' ? undefined : found.body);
  });

  for (const base of ['', '/:repo']) {
    r.get(`${base}/index.yaml`, index('yaml'));
    r.get(`${base}/index.json`, index('json'));
    r.get(`${base}/charts/:file`, chartFile);
  }
  return r;
}
