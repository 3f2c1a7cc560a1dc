import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { chartMuseumTarget } from './chartmuseum.js';
import { ociTarget } from './oci.js';
import type { Upload, UploadResult, UploadTarget } from './types.js';

export type { Upload, UploadResult, UploadTarget } from './types.js';

/** The upload targets, asked in order; a new one is one file and one line here. */
const TARGETS: UploadTarget[] = [ociTarget as UploadTarget, chartMuseumTarget as UploadTarget];

/** Uploads a chart to the target an argument names (a configured repository, a registry URL, `oci://…`). */
export async function uploadChart(target: string, upload: Upload, ctx: ActionContext): Promise<UploadResult> {
  for (const t of TARGETS) {
    const parsed = t.parse(target, ctx);
    if (parsed !== undefined) return t.upload(parsed, upload, ctx);
  }
  throw new ChartroomError('REPO_NOT_FOUND', `no repository named ${target}`, { hint: 'give a URL, or add it with chart repo add' });
}
