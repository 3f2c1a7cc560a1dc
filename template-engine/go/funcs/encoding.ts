import { GoFuncError, type GoValue } from '../value.js';
import { fromUtf8, utf8 } from './fmt.js';
import { marshalJson, unmarshalJson, unmarshalJsonArray, unmarshalJsonMap } from './json.js';
import { def, mapSet, newMap, type FuncTable } from './kinds.js';
import { decodeToml, encodeToml } from './toml.js';
import { fromYaml, fromYamlArray, toYamlPrettyText, toYamlText } from './yaml.js';

/**
 * Encodings: base64/base32 (Go's strict StdEncoding decoders, whose errors Sprig returns as the result),
 * JSON (Helm's toJson/fromJson, Sprig's pretty and raw forms), YAML and TOML (Helm's).
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Go's StdEncoding decoder for a `bits`-bit alphabet (base64: 4 chars → 3 bytes; base32: 8 chars → 5 bytes):
 * newlines are skipped, padding is required, and an error names the offending input byte.
 */
function decodeStrict(s: string, alphabet: string, bitsPerChar: number, quantum: number): Uint8Array | string {
  const input = utf8(s);
  const lookup = new Map<number, number>();
  for (let i = 0; i < alphabet.length; i++) lookup.set(alphabet.charCodeAt(i), i);
  const out: number[] = [];
  const corrupt = (at: number) => `illegal ${alphabet === B64 ? 'base64' : 'base32'} data at input byte ${at}`;
  let si = 0;
  const n = input.length;
  const next = (): number | undefined => {
    while (si < n && (input[si] === 0x0a || input[si] === 0x0d)) si++;
    return si < n ? input[si++] : undefined;
  };
  for (;;) {
    const vals: number[] = [];
    let j = 0;
    let padded = false;
    for (; j < quantum; j++) {
      const c = next();
      if (c === undefined) break;
      if (c === 0x3d) {
        // '=': padding may start only where a partial quantum can end, and fills the quantum.
        const validStarts = quantum === 4 ? [2, 3] : [2, 4, 5, 7];
        if (!validStarts.includes(j)) return corrupt(si - 1);
        for (let k = j + 1; k < quantum; k++) {
          const p = next();
          if (p === undefined) return corrupt(n);
          if (p !== 0x3d) return corrupt(si - 1);
        }
        while (si < n && (input[si] === 0x0a || input[si] === 0x0d)) si++;
        if (si < n) return corrupt(si);
        padded = true;
        break;
      }
      const v = lookup.get(c);
      if (v === undefined) return corrupt(si - 1);
      vals.push(v);
    }
    if (vals.length === 0 && !padded) break;
    if (!padded && j < quantum) {
      if (j === 0) break;
      return corrupt(si - j);
    }
    // Turn the symbols into bytes.
    let acc = 0n;
    for (const v of vals) acc = (acc << BigInt(bitsPerChar)) | BigInt(v);
    const bits = vals.length * bitsPerChar;
    const bytes = Math.floor(bits / 8);
    acc >>= BigInt(bits - bytes * 8);
    for (let k = bytes - 1; k >= 0; k--) out.push(Number((acc >> BigInt(8 * k)) & 0xffn));
    if (padded) break;
  }
  return Uint8Array.from(out);
}

export function base64Decode(s: string): string {
  const r = decodeStrict(s, B64, 6, 4);
  return typeof r === 'string' ? r : fromUtf8(r);
}

export function base32Encode(s: string): string {
  const bytes = utf8(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    let acc = 0n;
    for (let k = 0; k < 5; k++) acc = (acc << 8n) | BigInt(chunk[k] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) out += k < chars ? B32[Number((acc >> BigInt(35 - 5 * k)) & 31n)] : '=';
  }
  return out;
}

export function base32Decode(s: string): string {
  const r = decodeStrict(s, B32, 5, 8);
  return typeof r === 'string' ? r : fromUtf8(r);
}

/** A function that returns "" where Go's swallows an error. */
function orEmpty<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    if (e instanceof GoFuncError) return '';
    throw e;
  }
}

export const encodingFuncs: FuncTable = {
  b64enc: def('b64enc', ['string'], (s: string) => utf8(s).toString('base64')),
  b64dec: def('b64dec', ['string'], base64Decode),
  b32enc: def('b32enc', ['string'], base32Encode),
  b32dec: def('b32dec', ['string'], base32Decode),

  toJson: def('toJson', ['any'], (v) => orEmpty(() => marshalJson(v))),
  mustToJson: def('mustToJson', ['any'], (v) => marshalJson(v)),
  toPrettyJson: def('toPrettyJson', ['any'], (v) => orEmpty(() => marshalJson(v, { indent: '  ' }))),
  mustToPrettyJson: def('mustToPrettyJson', ['any'], (v) => marshalJson(v, { indent: '  ' })),
  toRawJson: def('toRawJson', ['any'], (v) => marshalJson(v, { escapeHTML: false })),
  mustToRawJson: def('mustToRawJson', ['any'], (v) => marshalJson(v, { escapeHTML: false })),
  // Sprig's fromJson: any JSON value, nil when it does not parse (Helm's replaces it).
  fromJson: def('fromJson', ['string'], (s: string) => {
    try {
      return unmarshalJson(s);
    } catch (e) {
      if (e instanceof GoFuncError) return null;
      throw e;
    }
  }),
  mustFromJson: def('mustFromJson', ['string'], (s: string) => unmarshalJson(s)),
};

/** Helm's own encoders and decoders (pkg/engine/funcs.go), over Sprig's of the same names. */
export const helmEncodingFuncs: FuncTable = {
  toJson: def('toJson', ['any'], (v) => orEmpty(() => marshalJson(v))),
  mustToJson: def('mustToJson', ['any'], (v) => marshalJson(v)),
  fromJson: def('fromJson', ['string'], (s: string) => {
    try {
      return unmarshalJsonMap(s);
    } catch (e) {
      const m = newMap();
      mapSet(m, 'Error', (e as Error).message);
      return m;
    }
  }),
  fromJsonArray: def('fromJsonArray', ['string'], (s: string) => {
    try {
      return unmarshalJsonArray(s);
    } catch (e) {
      return [(e as Error).message];
    }
  }),

  toYaml: def('toYaml', ['any'], (v) => orEmpty(() => toYamlText(v))),
  mustToYaml: def('mustToYaml', ['any'], (v) => toYamlText(v)),
  toYamlPretty: def('toYamlPretty', ['any'], (v) => orEmpty(() => toYamlPrettyText(v))),
  fromYaml: def('fromYaml', ['string'], fromYaml),
  fromYamlArray: def('fromYamlArray', ['string'], fromYamlArray),

  toToml: def('toToml', ['any'], (v: GoValue) => {
    try {
      return encodeToml(v);
    } catch (e) {
      if (e instanceof GoFuncError) return e.message;
      throw e;
    }
  }),
  fromToml: def('fromToml', ['string'], (s: string) => {
    try {
      return decodeToml(s);
    } catch (e) {
      const m = newMap();
      mapSet(m, 'Error', (e as Error).message);
      return m;
    }
  }),
};
