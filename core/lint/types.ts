import { ChartroomError } from '../errors.js';

export type Severity = 'error' | 'warning' | 'info';

/** One finding, placed as precisely as the rule can: file, line, column and field. */
export interface LintMessage {
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  field?: string;
  /** More lines that explain the finding, such as the rendered lines around invalid YAML; text output indents them under it. */
  detail?: string;
}

/**
 * A finding from an error a check threw: errors keep their place and their hint. A one-line hint follows the
 * message in parentheses; a longer one (a heading and an excerpt) becomes the finding's detail.
 */
export function fromError(e: unknown): LintMessage {
  if (e instanceof ChartroomError) {
    const d = e.details;
    const where = { file: d.file, line: d.line, column: d.column, field: d.field };
    const hint = d.hint?.replace(/\n+$/, '');
    if (hint && hint.includes('\n')) return { severity: 'error', message: e.message, ...where, detail: hint };
    return { severity: 'error', message: e.message + (hint ? ` (${hint})` : ''), ...where };
  }
  return { severity: 'error', message: (e as Error).message ?? String(e) };
}
