import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ChartroomError } from '../errors.js';
import { loadChartArchive } from '../chart/loader.js';
import { RepositorySettings } from '../repo/settings.js';
import { packageChart } from './package.js';

export interface PublishOptions {
  /** A chart folder (packaged first) or a .tgz. */
  chart: string;
  /** A configured repository's name, or a registry URL (ChartMuseum API). */
  repo: string;
  force?: boolean;
  settings?: RepositorySettings;
}

export interface PublishResult {
  name: string;
  version: string;
  digest: string;
  url: string;
  prov: boolean;
}

/** ChartMuseum's upload URL for a repository URL: `https://h/team` → `https://h/api/team/charts`. */
export function uploadUrl(repoUrl: string): string {
  const u = new URL(repoUrl);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}/api${path}/charts`;
}

/** Publishes a chart to Chartroom or any server with ChartMuseum's API, with its .prov when one lies beside it. */
export async function publishChart(opts: PublishOptions): Promise<PublishResult> {
  const settings = opts.settings ?? new RepositorySettings();
  let tgzPath = opts.chart;
  let work: string | undefined;
  try {
    if (!existsSync(opts.chart)) throw new ChartroomError('CHART_NOT_FOUND', `no chart at ${opts.chart}`);
    if (statSync(opts.chart).isDirectory()) {
      work = mkdtempSync(join(tmpdir(), 'chartroom-publish-'));
      tgzPath = packageChart({ path: opts.chart, destination: work }).file;
    }
    const data = readFileSync(tgzPath);
    const chart = loadChartArchive(data, tgzPath);
    const provPath = `${tgzPath}.prov`;
    const prov = !work && existsSync(provPath) ? readFileSync(provPath) : undefined;
    const repo = /^https?:\/\//.test(opts.repo) ? settings.byUrl(opts.repo) : settings.get(opts.repo);
    if (!repo && !/^https?:\/\//.test(opts.repo)) throw new ChartroomError('REPO_NOT_FOUND', `no repository named ${opts.repo}`, { hint: 'give a URL, or add it with chart repo add' });
    const base = repo?.url ?? opts.repo;
    const url = uploadUrl(base) + (opts.force ? '?force=true' : '');
    const headers: Record<string, string> = { 'User-Agent': 'chartroom' };
    if (repo?.username) headers.Authorization = `Basic ${Buffer.from(`${repo.username}:${settings.password(repo.name) ?? ''}`).toString('base64')}`;
    const form = new FormData();
    form.append('chart', new Blob([new Uint8Array(data)]), basename(tgzPath));
    if (prov) form.append('prov', new Blob([new Uint8Array(prov)]), basename(provPath));
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body: form, headers });
    } catch (e) {
      throw new ChartroomError('FETCH_FAILED', `cannot reach ${url}: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`);
    }
    const text = await res.text();
    let detail = text;
    try {
      detail = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // a server that does not answer JSON: show its text
    }
    const what = `${chart.metadata.name} ${chart.metadata.version}`;
    if (res.status === 401) throw new ChartroomError('PUBLISH_UNAUTHORIZED', `${base} needs credentials to publish ${what}`, { hint: 'chart repo add NAME URL --username U --password-stdin --force-update' });
    if (res.status === 403) throw new ChartroomError('PUBLISH_FORBIDDEN', `${base} does not let these credentials publish ${what}: ${detail}`);
    if (res.status === 409) throw new ChartroomError('PUBLISH_EXISTS', `${what} already exists in ${base}`, { hint: 'bump the chart version, or use --force where the registry allows overwriting' });
    if (res.status === 413) throw new ChartroomError('PUBLISH_TOO_LARGE', `${what} is larger than ${base} accepts: ${detail}`);
    if (res.status < 200 || res.status >= 300) throw new ChartroomError('PUBLISH_FAILED', `publishing ${what} to ${base} failed with ${res.status}: ${detail}`);
    return { name: chart.metadata.name, version: chart.metadata.version, digest: createHash('sha256').update(data).digest('hex'), url: base, prov: !!prov };
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}
