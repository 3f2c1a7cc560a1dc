import { ChartroomError } from '../../core/errors.js';
import type { IndexEntry } from '../../core/repo/index-file.js';
import type { Keyring } from '../../core/provenance/keyring.js';
import { verifyChart } from '../../core/provenance/verify.js';
import type { ChartRegistry } from '../registry.js';

/**
 * What a chart page says about a version's provenance: no provenance file; a file but no keyring to check it
 * against (the registry was started without --keyring); verified by a key of the registry's keyring (who signed);
 * or a file that does not verify (why, in one line).
 */
export type ProvenanceStatus =
  | { state: 'none' }
  | { state: 'signed' }
  | { state: 'verified'; signedBy: string; fingerprint: string; signedAt: string }
  | { state: 'failed'; reason: string };

/** Verifications kept at once (each a few hundred bytes); past it the oldest is forgotten and recomputed when asked. */
const MAX_KEPT = 4096;

/**
 * Checks versions' provenance files against the registry's keyring (--keyring), once per version and
 * provenance file: the result is kept by the page model's key, which changes when a provenance file is added.
 */
export class ProvenanceChecks {
  private readonly kept = new Map<string, Promise<ProvenanceStatus>>();

  constructor(
    private readonly registry: ChartRegistry,
    private readonly keyring?: Keyring,
  ) {}

  /** The status of a version whose model key is `key` and which has (`signed`) or lacks a provenance file. */
  status(repo: string, entry: IndexEntry, key: string, signed: boolean): Promise<ProvenanceStatus> {
    if (!signed) return Promise.resolve({ state: 'none' });
    if (!this.keyring) return Promise.resolve({ state: 'signed' });
    let p = this.kept.get(key);
    if (!p) {
      p = this.verify(repo, entry, this.keyring);
      // A storage failure is not a verdict: it is not kept, so the next request tries again.
      p.catch(() => this.kept.delete(key));
      if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value as string);
      this.kept.set(key, p);
    }
    return p;
  }

  private async verify(repo: string, entry: IndexEntry, keyring: Keyring): Promise<ProvenanceStatus> {
    const file = `${entry.name}-${entry.version}.tgz`;
    const [archive, prov] = await Promise.all([this.registry.file(repo, file), this.registry.file(repo, `${file}.prov`)]);
    if (!archive || !prov) return { state: prov ? 'failed' : 'none', ...(prov ? { reason: 'the archive is no longer stored' } : {}) } as ProvenanceStatus;
    try {
      const v = await verifyChart(archive.body, file, prov.body, keyring);
      return { state: 'verified', signedBy: v.signedBy.join(', '), fingerprint: v.fingerprint, signedAt: v.signedAt.toISOString() };
    } catch (e) {
      if (e instanceof ChartroomError) return { state: 'failed', reason: e.message };
      throw e;
    }
  }
}
