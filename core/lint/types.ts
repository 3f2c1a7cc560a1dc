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
}

/** A finding from an error a check threw: errors keep their place and the first line of their hint. */
export function fromError(e: unknown): LintMessage {
  if (e instanceof ChartroomError) {
    const d = e.details;
    const hint = d.hint ? ` (${d.hint.split('\n')[0]})` : '';
    return { severity: 'error', message: e.message + hint, file: d.file, line: d.line, column: d.column, field: d.field };
  }
  return { severity: 'error', message: (e as Error).message ?? String(e) };
}
