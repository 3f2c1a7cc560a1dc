/**
 * Go values as the Go-template engine represents them in JavaScript:
 * - Go `int`/`int64` (template literals like `3`, `--set` integers, Sprig's int results): `bigint`;
 * - Go `float64` (numbers from values files and JSON, Sprig's float results): `number`;
 * - `string`, `bool`: `string`, `boolean`;
 * - nil: `null`; a missing map key: `undefined` (printed `<no value>`, or empty under Helm's missingkey=zero
 *   when it reaches the output);
 * - `map[string]interface{}`: a plain object (keys iterated in sorted order where Go sorts);
 * - `[]interface{}`: an array; `[]byte`: a `Uint8Array`;
 * - Go structs and objects with methods (`.Files`, `.Capabilities`, `.Release`): JS objects whose function
 *   properties are methods (called with the arguments of the command, as Go calls methods);
 * - `time.Time`: a `GoTime` (below); `time.Duration`: a `GoDuration`.
 */
export type GoValue = unknown;

/** A template function: Go-valued arguments in, one Go value out; it throws to fail the template. */
export type GoFunc = (...args: GoValue[]) => GoValue;

/** Functions by name (a `Map`: names come from templates). */
export type FuncMap = Map<string, GoFunc>;

/** Go's `time.Time`: an instant with a location (for `date`, `now`, `dateInZone`). */
export class GoTime {
  constructor(
    /** Milliseconds since the epoch. */
    readonly ms: number,
    /** Nanoseconds within the millisecond (0–999999), for full-precision formatting. */
    readonly extraNs = 0,
    /** IANA zone name, or 'UTC', or 'Local'. */
    readonly zone = 'UTC',
  ) {}
}

/** Go's `time.Duration`: nanoseconds. */
export class GoDuration {
  constructor(readonly ns: bigint) {}
}

/** An error a function raises that the template author made (wrong argument, `fail`): shown without a stack. */
export class GoFuncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoFuncError';
  }
}
