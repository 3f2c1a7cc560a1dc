import type { ActionContext } from '../context.js';

/** What is uploaded: a chart archive and, when there is one, its provenance file. */
export interface Upload {
  name: string;
  version: string;
  archive: Buffer;
  /** File name of the archive, `name-version.tgz`. */
  filename: string;
  prov?: Buffer;
  /** Replace an existing version where the target allows it. */
  force?: boolean;
}

export interface UploadResult {
  /** Where the chart went, for messages. */
  url: string;
}

/**
 * A place charts are published to: a ChartMuseum-compatible registry today, OCI registries next. A new
 * target is one file implementing this and one line in `core/uploads/index.ts`.
 */
export interface UploadTarget<T = unknown> {
  readonly scheme: string;
  /** The target a `--repo`/destination argument names, parsed; undefined if it is not this target's kind. */
  parse(target: string, ctx: ActionContext): T | undefined;
  upload(target: T, upload: Upload, ctx: ActionContext): Promise<UploadResult>;
}
