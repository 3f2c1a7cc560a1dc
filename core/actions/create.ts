import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ChartroomError } from '../errors.js';
import { SCAFFOLD } from '../scaffold/files.js';
import type { ActionContext } from '../context.js';
import { makeDirsSync } from '../make-dirs.js';

export interface CreateOptions {
  /** Path of the new chart folder; its last segment is the chart name. */
  path: string;
}

export interface CreateResult {
  dir: string;
  files: string[];
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Writes a new Handlebars chart, all at once: a failure leaves no half-made folder. */
export function createChart(_ctx: ActionContext, opts: CreateOptions): CreateResult {
  const dir = resolve(opts.path);
  const name = basename(dir);
  if (!NAME_RE.test(name) || name.length > 53) {
    throw new ChartroomError('CHART_NAME', `chart name ${JSON.stringify(name)} is invalid`, { hint: 'use lowercase letters, digits and "-", starting and ending with a letter or digit, at most 53 characters' });
  }
  if (existsSync(dir)) throw new ChartroomError('CHART_EXISTS', `${opts.path} already exists`, { file: opts.path, hint: 'choose another name or remove the folder' });
  makeDirsSync(dirname(dir));
  const tmp = mkdtempSync(join(dirname(dir), `.${name}.tmp-`));
  const files: string[] = [];
  try {
    for (const [rel, text] of Object.entries(SCAFFOLD)) {
      const target = join(tmp, rel);
      makeDirsSync(dirname(target));
      writeFileSync(target, text.replaceAll('<CHARTNAME>', name));
      files.push(rel);
    }
    mkdirSync(join(tmp, 'charts'));
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { dir, files };
}
