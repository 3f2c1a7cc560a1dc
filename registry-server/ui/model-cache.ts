import type { IndexEntry } from '../../core/repo/index-file.js';
import type { ChartRegistry } from '../registry.js';
import { chartPageModel, type ChartPageModel } from './chart-page.js';

export interface ModelCacheLimits {
  entries: number;
  /** Bytes of strings held (two per UTF-16 code unit, an estimate). */
  bytes: number;
}

export const DEFAULT_MODEL_CACHE: ModelCacheLimits = { entries: 200, bytes: 64 * 1024 * 1024 };

export interface CachedModel {
  model: ChartPageModel;
  signed: boolean;
  size: number;
}

/** The version's archive is no longer stored (deleted since the index was read). */
export class ModelGone extends Error {}

/** An estimate of the memory a model's strings take. */
function modelSize(m: ChartPageModel): number {
  let chars = m.readmeHtml.length + m.valuesYaml.length + JSON.stringify(m.valuesTable).length + JSON.stringify(m.toc).length;
  for (const t of m.templates) chars += t.path.length + t.text.length;
  chars += JSON.stringify({ ...m, readmeHtml: '', valuesYaml: '', valuesTable: [], toc: [], templates: [] }).length;
  return chars * 2;
}

const seg = (s: string) => encodeURIComponent(s);

/**
 * The chart pages' models: computed from a version's archive once, then kept in a least-recently-used cache
 * bounded by entries and by size; computations in flight are shared.
 */
export class ModelCache {
  private readonly entries = new Map<string, CachedModel>();
  private readonly inflight = new Map<string, Promise<CachedModel>>();
  private bytes = 0;
  constructor(
    private readonly registry: ChartRegistry,
    private readonly limits: ModelCacheLimits = DEFAULT_MODEL_CACHE,
  ) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** The key a version's model is cached under: its archive never changes, its provenance (hence manifest) may be added. */
  keyOf(repo: string, entry: IndexEntry): string {
    const manifest = this.registry.manifestOf(repo, entry.name, entry.version)?.manifest ?? '';
    return [repo, entry.name, entry.version, entry.digest, manifest].join('\0');
  }

  /** A version's page model. Throws ModelGone when its archive is no longer stored. */
  model(repo: string, entry: IndexEntry): Promise<CachedModel> {
    const { name, version } = entry;
    return this.get(this.keyOf(repo, entry), async () => {
      const file = `${name}-${version}.tgz`;
      const found = await this.registry.file(repo, file);
      if (!found) throw new ModelGone();
      // README links are relative to the version's page, /ui/…/charts/NAME/VERSION.
      const model = await chartPageModel(found.body, { name, version, fileUrl: (p) => `./${seg(version)}/files/${p.split('/').map(seg).join('/')}` });
      const prov = await this.registry.file(repo, `${file}.prov`);
      return { model, signed: prov !== undefined };
    });
  }

  async get(key: string, compute: () => Promise<{ model: ChartPageModel; signed: boolean }>): Promise<CachedModel> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = compute()
        .then((c) => {
          const entry = { ...c, size: modelSize(c.model) };
          this.put(key, entry);
          return entry;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private put(key: string, entry: CachedModel): void {
    // A model larger than the whole budget is served, never kept.
    if (entry.size > this.limits.bytes || this.limits.entries <= 0) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.size;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.bytes += entry.size;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) break;
      this.entries.delete(k);
      this.bytes -= e.size;
    }
  }
}
