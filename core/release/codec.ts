import { compareCodePoints } from '../code-point-order.js';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ChartroomError } from '../errors.js';
import type { HookExecution, Release, ReleaseChart, ReleaseFile, ReleaseHook, ReleaseInfo, ReleaseStatus } from './model.js';

/**
 * Helm's release record codec (helm v4 `pkg/storage/driver/util.go` with `pkg/release/v1` and
 * `pkg/chart/v2`): the JSON Go's encoding/json writes for Helm's structs — field order, omitempty/omitzero,
 * map keys sorted by bytes, HTML-safe string escapes, float formatting, RFC 3339 times without trailing
 * zeros — then gzip (best compression) and standard base64. `decodeRelease` reads that, and base64 of plain
 * JSON as Helm does for records written before compression.
 */

/** Go's zero `time.Time`, as encoding/json writes it. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Largest JSON a record may inflate to. Secrets hold 1 MiB of gzip; real records inflate 3–6×. */
export const MAX_DECODED_RELEASE_BYTES = 32 * 1024 * 1024;

function invalid(message: string, field?: string, cause?: unknown): ChartroomError {
  return new ChartroomError('RELEASE_INVALID', message, { field, cause });
}

// ---------------------------------------------------------------------------------------------------------
// Times

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A JS Date as Go marshals a `time.Time` in UTC: RFC 3339, fraction without trailing zeros (none when 0). */
export function goTime(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw invalid('cannot record an invalid date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw invalid(`cannot record a time outside years 0-9999 (${year}), as Go's encoding/json refuses it`);
  const fraction = date.getUTCMilliseconds();
  return (
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}` +
    (fraction ? `.${pad(fraction, 3).replace(/0+$/, '')}` : '') +
    'Z'
  );
}

/** An RFC 3339 time as Go parses it: the wall clock as written, nanoseconds and the zone offset. */
export interface GoTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  /** Minutes east of UTC. */
  offsetMinutes: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses an RFC 3339 time as Go's `time.Time` JSON decoder accepts it; undefined when it would refuse. */
export function parseGoTime(text: string): GoTimeParts | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  // Go reads at most nine digits of a fraction and ignores the rest.
  const nanos = m[7] ? Number(m[7].slice(0, 9).padEnd(9, '0')) : 0;
  let offsetMinutes = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { year, month, day, hour, minute, second, nanos, offsetMinutes };
}

/** Milliseconds since the Unix epoch of the instant (sub-millisecond part dropped). */
function instantMs(p: GoTimeParts): number {
  const d = new Date(0);
  d.setUTCFullYear(p.year, p.month - 1, p.day);
  d.setUTCHours(p.hour, p.minute, p.second, 0);
  return d.getTime() - p.offsetMinutes * 60_000 + Math.floor(p.nanos / 1e6);
}

const ZERO_MS = instantMs(parseGoTime(GO_ZERO_TIME)!);

/** Whether a recorded time is absent or Go's zero instant (what `omitzero` leaves out). */
export function isZeroGoTime(text: string | undefined | null): boolean {
  if (text === undefined || text === null || text === '') return true;
  const p = parseGoTime(text);
  return p !== undefined && p.nanos === 0 && instantMs(p) === ZERO_MS;
}

/** A recorded time as a JS Date (millisecond precision); undefined when absent, zero or not RFC 3339. */
export function goTimeToDate(text: string | undefined): Date | undefined {
  if (isZeroGoTime(text)) return undefined;
  const p = parseGoTime(text!);
  return p ? new Date(instantMs(p)) : undefined;
}

/**
 * A time string as Go writes it back after reading it: the wall clock and zone as given, `Z` for a zero
 * offset, the fraction without trailing zeros. Throws RELEASE_INVALID for text Go would not read.
 */
export function normalizeGoTime(text: string, field?: string): string {
  const p = parseGoTime(text);
  if (!p) throw invalid(`${field ?? 'time'} ${JSON.stringify(text)} is not an RFC 3339 time`, field);
  let out = `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  if (p.nanos) out += `.${pad(p.nanos, 9).replace(/0+$/, '')}`;
  if (p.offsetMinutes === 0) return `${out}Z`;
  const abs = Math.abs(p.offsetMinutes);
  return `${out}${p.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

function timeOrZero(text: string | undefined, field: string): string {
  if (text === undefined || text === '') return GO_ZERO_TIME;
  return normalizeGoTime(text, field);
}

// ---------------------------------------------------------------------------------------------------------
// Go's encoding/json

const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;
const HEX = '0123456789abcdef';

/** A string as Go's json.Marshal writes it (HTML-safe: `<`, `>`, `&`, U+2028/9 escaped; bad UTF-16 as U+FFFD). */
export function goJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      esc = c === 0x08 ? '\\b' : c === 0x0c ? '\\f' : c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c) esc = '\\u003c';
    else if (c === 0x3e) esc = '\\u003e';
    else if (c === 0x26) esc = '\\u0026';
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc === undefined) continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return `${out}${s.slice(start)}"`;
}

/** A float64 as Go's json.Marshal writes it: shortest form, exponent below 1e-6 and from 1e21, `-0` kept. */
export function goJsonNumber(n: number, field?: string): string {
  if (!Number.isFinite(n)) throw invalid(`${field ?? 'a value'} is ${n}, which JSON cannot hold`, field);
  if (Object.is(n, -0)) return '-0';
  // JavaScript's Number#toString uses the same shortest digits and the same exponent thresholds as Go.
  return String(n);
}

function goInt(n: unknown, field: string): string {
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid(`${field} must be a whole number, got ${JSON.stringify(n)}`, field);
  return String(n);
}


function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** Any value as Go marshals an `interface{}` holding what JSON or YAML decoding made: maps with sorted keys. */
export function goJsonValue(v: unknown, field = 'value'): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return goJsonString(v);
    case 'number':
      return goJsonNumber(v, field);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'object':
      break;
    default:
      throw invalid(`${field} holds a ${typeof v}, which JSON cannot hold`, field);
  }
  if (Array.isArray(v)) return `[${v.map((x, i) => goJsonValue(x, `${field}[${i}]`)).join(',')}]`;
  if (v instanceof Uint8Array) return `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`;
  if (v instanceof Date) return `"${goTime(v)}"`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined && typeof o[k] !== 'function')
    .sort(compareCodePoints);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJsonValue(o[k], `${field}.${k}`)}`).join(',')}}`;
}

/** Builds a Go struct's JSON: fields in declaration order, each added or left out by its tag's rule. */
class GoStruct {
  private readonly parts: string[] = [];
  /** Always written. */
  raw(key: string, json: string): this {
    this.parts.push(`"${key}":${json}`);
    return this;
  }
  /** `omitempty` on a string. */
  str(key: string, v: unknown): this {
    if (typeof v === 'string' && v !== '') this.raw(key, goJsonString(v));
    else if (typeof v === 'number' || typeof v === 'boolean') this.raw(key, goJsonString(String(v)));
    return this;
  }
  /** `omitempty` on a slice of strings. */
  strings(key: string, v: unknown): this {
    if (Array.isArray(v) && v.length) this.raw(key, `[${v.map((x) => goJsonString(x === null || x === undefined ? '' : String(x))).join(',')}]`);
    return this;
  }
  /** `omitzero` on a time.Time (or a pointer to one, as Helm's custom marshalers do). */
  time(key: string, v: string | undefined): this {
    if (!isZeroGoTime(v)) this.raw(key, `"${normalizeGoTime(v!, key)}"`);
    return this;
  }
  /** `omitempty` on an int. */
  int(key: string, v: unknown): this {
    if (v !== undefined && v !== null && v !== 0) this.raw(key, goInt(v, key));
    return this;
  }
  toString(): string {
    return `{${this.parts.join(',')}}`;
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function bytesJson(data: string | null | undefined, field: string): string {
  if (data === null || data === undefined) return 'null';
  if (!BASE64.test(data)) throw invalid(`${field} is not standard base64`, field);
  return `"${data}"`;
}

function fileJson(f: ReleaseFile, field: string): string {
  return new GoStruct()
    .raw('name', goJsonString(f.name ?? ''))
    .raw('data', bytesJson(f.data, `${field}.data`))
    .time('modtime', f.modtime)
    .toString();
}

/** `[]*common.File`: null when empty (Helm's loader leaves the slice nil then). */
function filesJson(files: ReleaseFile[] | null | undefined, field: string): string {
  if (!files || files.length === 0) return 'null';
  return `[${files.map((f, i) => (f ? fileJson(f, `${field}[${i}]`) : 'null')).join(',')}]`;
}

/** Helm's `chart.Dependency` (Chart.yaml dependencies and Chart.lock entries). */
function dependencyJson(d: unknown): string {
  if (!isPlainObject(d)) return 'null';
  const s = new GoStruct().raw('name', goJsonString(String(d.name ?? ''))).str('version', d.version).raw('repository', goJsonString(String(d.repository ?? '')));
  s.str('condition', d.condition).strings('tags', d.tags);
  if (d.enabled === true) s.raw('enabled', 'true');
  if (Array.isArray(d['import-values']) && d['import-values'].length) s.raw('import-values', goJsonValue(d['import-values'], 'import-values'));
  return s.str('alias', d.alias).toString();
}

function dependenciesJson(v: unknown): string | undefined {
  return Array.isArray(v) && v.length ? `[${v.map(dependencyJson).join(',')}]` : undefined;
}

/**
 * Helm's `chart.Metadata`, its fields only, in its order. Fields Helm does not have (Chartroom's `engine`)
 * are left out, as helm leaves them out when it reads a record and writes it again.
 */
export function metadataJson(md: Record<string, unknown> | null | undefined): string {
  if (!md) return 'null';
  const s = new GoStruct().str('name', md.name).str('home', md.home).strings('sources', md.sources).str('version', md.version).str('description', md.description).strings('keywords', md.keywords);
  if (Array.isArray(md.maintainers) && md.maintainers.length) {
    s.raw('maintainers', `[${md.maintainers.map((m) => (isPlainObject(m) ? new GoStruct().str('name', m.name).str('email', m.email).str('url', m.url).toString() : 'null')).join(',')}]`);
  }
  s.str('icon', md.icon).str('apiVersion', md.apiVersion).str('condition', md.condition).str('tags', md.tags).str('appVersion', md.appVersion);
  if (md.deprecated === true) s.raw('deprecated', 'true');
  if (isPlainObject(md.annotations) && Object.keys(md.annotations).length) {
    const a = Object.fromEntries(Object.entries(md.annotations).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
    s.raw('annotations', goJsonValue(a, 'annotations'));
  }
  s.str('kubeVersion', md.kubeVersion);
  const deps = dependenciesJson(md.dependencies);
  if (deps) s.raw('dependencies', deps);
  return s.str('type', md.type).toString();
}

/** Helm's `chart.Lock`: generated (a time), digest, dependencies. */
export function lockJson(lock: Record<string, unknown> | null | undefined): string {
  if (!lock) return 'null';
  const generated = lock.generated instanceof Date ? goTime(lock.generated) : typeof lock.generated === 'string' && parseGoTime(lock.generated) ? normalizeGoTime(lock.generated) : GO_ZERO_TIME;
  return new GoStruct()
    .raw('generated', `"${generated}"`)
    .raw('digest', goJsonString(typeof lock.digest === 'string' ? lock.digest : ''))
    .raw('dependencies', dependenciesJson(lock.dependencies) ?? 'null')
    .toString();
}

function chartJson(c: ReleaseChart): string {
  const s = new GoStruct()
    .raw('metadata', metadataJson(c.metadata))
    .raw('lock', lockJson(c.lock))
    .raw('templates', filesJson(c.templates, 'chart.templates'))
    .raw('values', goJsonValue(c.values ?? null, 'chart.values'))
    .raw('schema', bytesJson(c.schema, 'chart.schema'))
    .raw('schemamodtime', `"${timeOrZero(c.schemamodtime, 'chart.schemamodtime')}"`)
    .raw('files', filesJson(c.files, 'chart.files'));
  return s.time('modtime', c.modtime).toString();
}

function infoJson(i: ReleaseInfo): string {
  const s = new GoStruct().time('first_deployed', i.first_deployed).time('last_deployed', i.last_deployed).time('deleted', i.deleted).str('description', i.description).str('status', i.status).int('rollback_revision', i.rollback_revision).str('notes', i.notes);
  if (isPlainObject(i.resources) && Object.keys(i.resources).length) s.raw('resources', goJsonValue(i.resources, 'info.resources'));
  return s.toString();
}

function executionJson(e: HookExecution | undefined): string {
  return new GoStruct()
    .time('started_at', e?.started_at)
    .time('completed_at', e?.completed_at)
    .raw('phase', goJsonString(e?.phase ?? ''))
    .toString();
}

function hookJson(h: ReleaseHook): string {
  return new GoStruct()
    .str('name', h.name)
    .str('kind', h.kind)
    .str('path', h.path)
    .str('manifest', h.manifest)
    .strings('events', h.events)
    .raw('last_run', executionJson(h.last_run))
    .int('weight', h.weight)
    .strings('delete_policies', h.delete_policies)
    .strings('output_log_policies', h.output_log_policies)
    .toString();
}

/** The exact JSON Go's json.Marshal writes for Helm's `release.Release` holding this record. */
export function releaseJson(rel: Release): string {
  const s = new GoStruct().str('name', rel.name);
  if (rel.info) s.raw('info', infoJson(rel.info));
  if (rel.chart) s.raw('chart', chartJson(rel.chart));
  if (isPlainObject(rel.config) && Object.keys(rel.config).some((k) => rel.config![k] !== undefined)) s.raw('config', goJsonValue(rel.config, 'config'));
  s.str('manifest', rel.manifest);
  if (rel.hooks?.length) s.raw('hooks', `[${rel.hooks.map((h) => (h ? hookJson(h) : 'null')).join(',')}]`);
  return s.int('version', rel.version).str('namespace', rel.namespace).str('apply_method', rel.apply_method).toString();
}

/**
 * base64(gzip(JSON)) as Helm's `encodeRelease` writes it: the JSON byte for byte, gzip at best compression
 * with Go's header (no name, zero mtime, OS "unknown"); the deflate stream itself is zlib's, not Go's.
 */
export function encodeRelease(rel: Release): string {
  const gz = gzipSync(Buffer.from(releaseJson(rel), 'utf8'), { level: 9 });
  gz[9] = 0xff; // Go's gzip.Writer writes OS 255 (unknown); zlib writes 3 (Unix).
  return gz.toString('base64');
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

/**
 * Reads a record as Helm's `decodeRelease` does: standard base64 of gzip'd JSON, or of plain JSON. Input
 * that is not base64, inflates past MAX_DECODED_RELEASE_BYTES, or is not Helm's JSON is RELEASE_INVALID.
 */
export function decodeRelease(text: string | Uint8Array, maxBytes = MAX_DECODED_RELEASE_BYTES): Release {
  let s = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('latin1');
  // Go's base64 decoder skips line breaks.
  if (s.includes('\n') || s.includes('\r')) s = s.replace(/[\r\n]/g, '');
  if (s.length > Math.ceil((maxBytes + 1024) / 3) * 4) {
    throw invalid(`release record is ${s.length} bytes of base64, more than a record of at most ${maxBytes} bytes can be`);
  }
  if (!BASE64.test(s)) throw invalid('release record is not standard base64');
  const bytes = Buffer.from(s, 'base64');
  let json: Buffer;
  if (bytes.length > 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) {
    try {
      json = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (e instanceof RangeError || code === 'ERR_BUFFER_TOO_LARGE') throw invalid(`release record inflates to more than ${maxBytes} bytes`, undefined, e);
      throw invalid(`release record is not valid gzip: ${(e as Error).message}`, undefined, e);
    }
  } else {
    json = bytes;
    if (json.length > maxBytes) throw invalid(`release record is more than ${maxBytes} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(json.toString('utf8'));
  } catch (e) {
    throw invalid(`release record is not JSON: ${(e as Error).message}`, undefined, e);
  }
  return releaseFromJson(value);
}

type Json = Record<string, unknown>;

function object(v: unknown, field: string): Json | undefined {
  if (v === null || v === undefined) return undefined;
  if (!isPlainObject(v)) throw invalid(`release record: ${field} must be an object`, field);
  return v;
}

function string(v: unknown, field: string): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`release record: ${field} must be a string`, field);
  return v;
}

function integer(v: unknown, field: string): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(`release record: ${field} must be a whole number`, field);
  return v;
}

function list(v: unknown, field: string): unknown[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalid(`release record: ${field} must be a list`, field);
  return v;
}

function strings(v: unknown, field: string): string[] | undefined {
  return list(v, field)?.map((x, i) => string(x, `${field}[${i}]`) ?? '');
}

/**
 * A time field: kept as written, or undefined for the zero time (which the encoder leaves out or writes as
 * the zero time again). Go reads "" as the zero time, as Helm 4's decoders do.
 */
function time(v: unknown, field: string): string | undefined {
  const s = string(v, field);
  if (s === undefined || s === '') return undefined;
  if (!parseGoTime(s)) throw invalid(`release record: ${field} ${JSON.stringify(s)} is not an RFC 3339 time`, field);
  return isZeroGoTime(s) ? undefined : s;
}

function bytes(v: unknown, field: string): string | undefined {
  const s = string(v, field);
  if (s !== undefined && !BASE64.test(s)) throw invalid(`release record: ${field} is not standard base64`, field);
  return s;
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function filesFrom(v: unknown, field: string): ReleaseFile[] {
  const out: ReleaseFile[] = [];
  (list(v, field) ?? []).forEach((x, i) => {
    const f = object(x, `${field}[${i}]`);
    if (!f) return;
    const file: ReleaseFile = { name: string(f.name, `${field}[${i}].name`) ?? '', data: bytes(f.data, `${field}[${i}].data`) ?? '' };
    setIf(file, 'modtime', time(f.modtime, `${field}[${i}].modtime`));
    out.push(file);
  });
  return out;
}

function chartFrom(v: unknown): ReleaseChart {
  const c = object(v, 'chart') ?? {};
  const chart: ReleaseChart = {
    metadata: object(c.metadata, 'chart.metadata') ?? {},
    lock: object(c.lock, 'chart.lock') ?? null,
    templates: filesFrom(c.templates, 'chart.templates'),
    values: object(c.values, 'chart.values') ?? null,
    schema: bytes(c.schema, 'chart.schema') ?? null,
    files: filesFrom(c.files, 'chart.files'),
  };
  setIf(chart, 'schemamodtime', time(c.schemamodtime, 'chart.schemamodtime'));
  setIf(chart, 'modtime', time(c.modtime, 'chart.modtime'));
  return chart;
}

function infoFrom(v: unknown): ReleaseInfo {
  const i = object(v, 'info') ?? {};
  const info = {} as ReleaseInfo;
  setIf(info, 'first_deployed', time(i.first_deployed, 'info.first_deployed'));
  setIf(info, 'last_deployed', time(i.last_deployed, 'info.last_deployed'));
  info.deleted = time(i.deleted, 'info.deleted') ?? GO_ZERO_TIME;
  setIf(info, 'description', string(i.description, 'info.description'));
  setIf(info, 'status', string(i.status, 'info.status') as ReleaseStatus | undefined);
  setIf(info, 'rollback_revision', integer(i.rollback_revision, 'info.rollback_revision'));
  setIf(info, 'notes', string(i.notes, 'info.notes'));
  setIf(info, 'resources', object(i.resources, 'info.resources') as Record<string, unknown[]> | undefined);
  return info;
}

function hookFrom(v: unknown, field: string): ReleaseHook | undefined {
  const h = object(v, field);
  if (!h) return undefined;
  const hook: ReleaseHook = {};
  setIf(hook, 'name', string(h.name, `${field}.name`));
  setIf(hook, 'kind', string(h.kind, `${field}.kind`));
  setIf(hook, 'path', string(h.path, `${field}.path`));
  setIf(hook, 'manifest', string(h.manifest, `${field}.manifest`));
  setIf(hook, 'events', strings(h.events, `${field}.events`));
  const run = object(h.last_run, `${field}.last_run`);
  const lastRun = {} as HookExecution;
  setIf(lastRun, 'started_at', time(run?.started_at, `${field}.last_run.started_at`));
  setIf(lastRun, 'completed_at', time(run?.completed_at, `${field}.last_run.completed_at`));
  lastRun.phase = string(run?.phase, `${field}.last_run.phase`) ?? '';
  hook.last_run = lastRun;
  setIf(hook, 'weight', integer(h.weight, `${field}.weight`));
  setIf(hook, 'delete_policies', strings(h.delete_policies, `${field}.delete_policies`));
  setIf(hook, 'output_log_policies', strings(h.output_log_policies, `${field}.output_log_policies`));
  return hook;
}

/** Helm's release JSON (already parsed) as our model, type-checked as Go's decoder checks it. */
export function releaseFromJson(value: unknown): Release {
  const r = object(value, 'release');
  if (!r) throw invalid('release record is empty (null)');
  const rel: Release = {
    name: string(r.name, 'name') ?? '',
    info: infoFrom(r.info),
    chart: chartFrom(r.chart),
    version: integer(r.version, 'version') ?? 0,
    namespace: string(r.namespace, 'namespace') ?? '',
  };
  setIf(rel, 'config', object(r.config, 'config'));
  setIf(rel, 'manifest', string(r.manifest, 'manifest'));
  const hooks = list(r.hooks, 'hooks');
  if (hooks) rel.hooks = hooks.map((h, i) => hookFrom(h, `hooks[${i}]`)).filter((h): h is ReleaseHook => h !== undefined);
  setIf(rel, 'apply_method', string(r.apply_method, 'apply_method'));
  return rel;
}

export { compareCodePoints };
