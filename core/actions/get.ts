import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { clusterOf } from '../release/cluster-render.js';
import type { Release } from '../release/model.js';

export type GetWhat = 'values' | 'manifest' | 'notes' | 'hooks' | 'all';

/** One revision of a release (the latest by default), for `get`. */
export async function getRelease(ctx: ActionContext, opts: { name: string; namespace?: string; revision?: number }): Promise<Release> {
  const cluster = clusterOf(ctx);
  const history = await cluster.releases(opts.namespace ?? cluster.kube().namespace).history(opts.name);
  const release = opts.revision ? history.find((r) => r.version === opts.revision) : history[history.length - 1];
  if (!release) throw new ChartroomError('RELEASE_NOT_FOUND', `release ${opts.name}${opts.revision ? ` revision ${opts.revision}` : ''} not found`);
  return release;
}

/** A release's hooks as Helm prints them: `---`, `# Source:` and the manifest, each. */
export function hooksText(r: Release): string {
  return (r.hooks ?? []).map((h) => `---\n# Source: ${h.path ?? ''}\n${h.manifest ?? ''}\n`).join('');
}
