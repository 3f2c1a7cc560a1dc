import { crypto } from '../../../core/builtin.js';
import { parseYaml, parseYamlAll } from '../../../core/yaml.js';
import { toYamlString } from '../../../core/yaml-dump.js';
import type { Helper } from './types.js';
import { isMap, toNumber, toStr } from './values.js';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      if (v[k] !== undefined) Object.defineProperty(out, k, { value: sortKeys(v[k]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v === undefined ? null : v;
}

/** Go's json.Marshal: sorted keys, and <, >, & escaped unless `raw`. */
export function goJson(v: unknown, indent = 0, raw = false): string {
  const s = JSON.stringify(sortKeys(v), null, indent) ?? 'null';
  return raw ? s : s.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export const conversionHelpers: Record<string, Helper> = {
  toYaml: (v) => (v === undefined || v === null ? 'null' : toYamlString(v)),
  mustToYaml: (v) => toYamlString(v),
  fromYaml: (s) => {
    try {
      const v = parseYaml(toStr(s), 'fromYaml').value;
      return v ?? {};
    } catch (e) {
      return { Error: (e as Error).message };
    }
  },
  fromYamlArray: (s) => {
    try {
      const v = parseYaml(toStr(s), 'fromYamlArray').value;
      return Array.isArray(v) ? v : [];
    } catch (e) {
      return [(e as Error).message];
    }
  },
  fromYamlAll: (s) => parseYamlAll(toStr(s), 'fromYamlAll').map((d) => d.value),
  toJson: (v) => goJson(v),
  toRawJson: (v) => goJson(v, 0, true),
  toPrettyJson: (v) => goJson(v, 2),
  fromJson: (s) => {
    try {
      return JSON.parse(toStr(s));
    } catch (e) {
      return { Error: (e as Error).message };
    }
  },
  fromJsonArray: (s) => {
    try {
      const v = JSON.parse(toStr(s));
      return Array.isArray(v) ? v : [];
    } catch (e) {
      return [(e as Error).message];
    }
  },
  int: (v) => Math.trunc(toNumber(v)),
  int64: (v) => Math.trunc(toNumber(v)),
  float64: (v) => toNumber(v),
  float: (v) => toNumber(v),
  atoi: (v) => {
    const s = toStr(v).trim();
    return /^[-+]?\d+$/.test(s) ? parseInt(s, 10) : 0;
  },
  toStrings: (v) => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map(toStr),
  toDecimal: (v) => parseInt(toStr(v), 8) || 0,
  b64enc: (s) => Buffer.from(toStr(s), 'utf8').toString('base64'),
  b64dec: (s) => Buffer.from(toStr(s), 'base64').toString('utf8'),
  b32enc: (s) => base32(Buffer.from(toStr(s), 'utf8')),
  sha256sum: (s) => crypto().createHash('sha256').update(toStr(s)).digest('hex'),
  sha1sum: (s) => crypto().createHash('sha1').update(toStr(s)).digest('hex'),
  sha512sum: (s) => crypto().createHash('sha512').update(toStr(s)).digest('hex'),
  adler32sum: (s) => {
    let a = 1;
    let b = 0;
    for (const byte of Buffer.from(toStr(s), 'utf8')) {
      a = (a + byte) % 65521;
      b = (b + a) % 65521;
    }
    return String(((b << 16) | a) >>> 0);
  },
};

function base32(buf: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  while (out.length % 8) out += '=';
  return out;
}
