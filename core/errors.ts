/** Where in a source file a problem sits; line and column are 1-based. */
export interface SourcePosition {
  file?: string;
  line?: number;
  column?: number;
}

export interface ChartroomErrorDetails extends SourcePosition {
  /** Dotted path of the field or value at fault, e.g. `version` or `image.tag`. */
  field?: string;
  /** What the user can do about it. */
  hint?: string;
  /** The offending source line, shown under the message. */
  snippet?: string;
  /** Chart the problem belongs to. */
  chart?: string;
  cause?: unknown;
}

/** A typed, user-facing error: turned into text or JSON once, at the CLI or HTTP edge. */
export class ChartroomError extends Error {
  readonly code: string;
  readonly details: ChartroomErrorDetails;

  constructor(code: string, message: string, details: ChartroomErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ChartroomError';
    this.code = code;
    this.details = details;
  }

  get file(): string | undefined {
    return this.details.file;
  }
  get line(): number | undefined {
    return this.details.line;
  }

  /** The error as plain data, for `--output json` and HTTP bodies. */
  toJSON(): Record<string, unknown> {
    const { cause: _cause, ...rest } = this.details;
    return { error: this.message, code: this.code, ...rest };
  }
}

/** Formats `file:line:column` from whatever parts are known. */
export function formatLocation(pos: SourcePosition): string {
  if (!pos.file) return '';
  let out = pos.file;
  if (pos.line !== undefined) {
    out += `:${pos.line}`;
    if (pos.column !== undefined) out += `:${pos.column}`;
  }
  return out;
}

/** Renders an error as the multi-line text the CLI prints. */
export function describeError(err: unknown): string {
  if (err instanceof ChartroomError) {
    const d = err.details;
    const loc = formatLocation(d);
    const lines = [`Error: ${loc ? `${loc}: ` : ''}${err.message}`];
    if (d.field && !err.message.includes(d.field)) lines.push(`  field: ${d.field}`);
    if (d.snippet !== undefined) {
      lines.push(`  ${d.line ?? ''} | ${d.snippet}`);
      if (d.column !== undefined) {
        const gutter = `  ${d.line ?? ''} | `.length;
        lines.push(' '.repeat(gutter + Math.max(0, d.column - 1)) + '^');
      }
    }
    if (d.hint) lines.push(`  hint: ${d.hint}`);
    return lines.join('\n');
  }
  if (err instanceof Error) return `Error: ${err.message}`;
  return `Error: ${String(err)}`;
}

/** Returns line `n` (1-based) of a text, without its newline. */
export function lineOf(text: string, n: number): string {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
}
