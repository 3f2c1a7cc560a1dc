import { readFileSync } from 'node:fs';
import { GoFuncError, GoTime } from '../value.js';

/**
 * Go's time package as templates see it: locations (UTC, Local, IANA names through Intl, fixed offsets written
 * `±hh:mm`), formatting and parsing with Go's reference-time layouts, and durations.
 */

const MS_PER_DAY = 86_400_000;

/** The machine's zone, which Go calls Local. */
export function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const dtfCache = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = dtfCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
    dtfCache.set(zone, f);
  }
  return f;
}

/** A fixed zone: `±hh:mm`, optionally followed by a space and its name (Go's FixedZone(name, offset)). */
const FIXED = /^([+-])(\d{2}):(\d{2})(?: (.*))?$/;

/** The parts of a TZif file (the system's zoneinfo, which Go reads too) that name a zone's abbreviations. */
interface TzInfo {
  transitions: number[];
  types: number[];
  infos: { off: number; abbr: string }[];
  footer?: { std: string; stdOff: number; dst?: string };
}

const tzCache = new Map<string, TzInfo | null>();

function readTzif(name: string): TzInfo | null {
  if (tzCache.has(name)) return tzCache.get(name)!;
  let info: TzInfo | null = null;
  try {
    if (!/^[A-Za-z0-9_+\-]+(\/[A-Za-z0-9_+\-]+)*$/.test(name)) throw new Error('bad name');
    const b = readFileSync(`/usr/share/zoneinfo/${name}`);
    if (b.toString('latin1', 0, 4) !== 'TZif') throw new Error('not TZif');
    const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((i) => b.readUInt32BE(at + 20 + 4 * i));
    let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(0);
    let at = 44;
    let wide = 4;
    if (b[4] >= 0x32) {
      // Skip the 32-bit block and read the 64-bit one.
      at += timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
      [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(at);
      at += 44;
      wide = 8;
    }
    const transitions: number[] = [];
    for (let i = 0; i < timecnt; i++) transitions.push(wide === 8 ? Number(b.readBigInt64BE(at + 8 * i)) : b.readInt32BE(at + 4 * i));
    at += timecnt * wide;
    const types = [...b.subarray(at, at + timecnt)];
    at += timecnt;
    const raw: { off: number; abbrInd: number }[] = [];
    for (let i = 0; i < typecnt; i++) raw.push({ off: b.readInt32BE(at + 6 * i), abbrInd: b[at + 6 * i + 5] });
    at += typecnt * 6;
    const chars = b.toString('latin1', at, at + charcnt);
    const infos = raw.map((r) => ({ off: r.off, abbr: chars.slice(r.abbrInd, chars.indexOf('\0', r.abbrInd)) }));
    at += charcnt + leap * (wide + 4) + isstd + isut;
    let footer: TzInfo['footer'];
    if (wide === 8) {
      const text = b.toString('latin1', at).split('\n')[1] ?? '';
      const m = /^(<[^>]*>|[A-Za-z]+)([+-]?\d+(?::\d+){0,2})(<[^>]*>|[A-Za-z]+)?/.exec(text);
      if (m) {
        const [h, mi = '0', se = '0'] = m[2].replace(/^[+-]/, '').split(':');
        const off = -(m[2].startsWith('-') ? -1 : 1) * (Number(h) * 3600 + Number(mi) * 60 + Number(se));
        footer = { std: m[1].replace(/[<>]/g, ''), stdOff: off, dst: m[3]?.replace(/[<>]/g, '') };
      }
    }
    info = { transitions, types, infos, footer };
  } catch {
    info = null;
  }
  tzCache.set(name, info);
  return info;
}

/** The tzdata abbreviation of a zone at an instant (`offset` decides standard or daylight time past the table). */
function tzifAbbrev(name: string, sec: number, offset: number): string | undefined {
  const tz = readTzif(name);
  if (!tz || tz.infos.length === 0) return undefined;
  const n = tz.transitions.length;
  if (n === 0 || sec < tz.transitions[0]) {
    if (tz.footer && n === 0) return offset === tz.footer.stdOff || !tz.footer.dst ? tz.footer.std : tz.footer.dst;
    return tz.infos[0].abbr;
  }
  if (sec >= tz.transitions[n - 1] && tz.footer) return offset === tz.footer.stdOff || !tz.footer.dst ? tz.footer.std : tz.footer.dst;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tz.transitions[mid] <= sec) lo = mid;
    else hi = mid - 1;
  }
  return tz.infos[tz.types[lo]]?.abbr;
}

/** Whether Go's time.LoadLocation would find this name. */
export function isKnownZone(name: string): boolean {
  if (name === '' || name === 'UTC' || name === 'Local') return true;
  if (readTzif(name)) return true;
  if (readTzif('UTC') || readTzif('Etc/UTC')) return false;
  // No zoneinfo on this machine: ask Intl.
  try {
    partsFormatter(name);
    return true;
  } catch {
    return false;
  }
}

function resolveZone(zone: string): string {
  return zone === 'Local' ? localZoneName() : zone === '' ? 'UTC' : zone;
}

/** The zone's offset from UTC in seconds at an instant. */
export function zoneOffset(zone: string, ms: number): number {
  const z = resolveZone(zone);
  if (z === 'UTC') return 0;
  const fixed = FIXED.exec(z);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 3600 + Number(fixed[3]) * 60);
  const base = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, string> = {};
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = partsFormatter(z);
  } catch {
    return 0; // a zoneinfo file Intl does not know: treat as UTC
  }
  for (const p of fmt.formatToParts(new Date(base))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const asUtc = utcMs(year, Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - base) / 1000);
}

/** The zone's abbreviation at an instant, as Go's tzdata names it where Intl knows the same name. */
export function zoneAbbrev(zone: string, ms: number): string {
  const z = resolveZone(zone);
  if (z === 'UTC') return 'UTC';
  const fixed = FIXED.exec(z);
  if (fixed) return fixed[4] ?? '';
  const fromTzdata = tzifAbbrev(z, Math.floor(ms / 1000), zoneOffset(zone, ms));
  if (fromTzdata !== undefined) return fromTzdata;
  for (const locale of ['en-US', 'en-GB']) {
    try {
      const name = new Intl.DateTimeFormat(locale, { timeZone: z, timeZoneName: 'short' }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value;
      if (name && !/^(GMT|UTC)([+-]|$)/.test(name)) return name;
      if (name === 'GMT' && locale === 'en-GB') return 'GMT';
    } catch {
      break;
    }
  }
  // Zones without letters in tzdata are named by their offset: +04, -0330.
  const off = zoneOffset(zone, ms);
  const a = Math.abs(off);
  const hh = String(Math.floor(a / 3600)).padStart(2, '0');
  const mm = Math.floor((a % 3600) / 60);
  return (off < 0 ? '-' : '+') + hh + (mm ? String(mm).padStart(2, '0') : '');
}

/** Milliseconds since the epoch of a UTC civil time (any year, including 1–99). */
export function utcMs(year: number, month: number, day: number, hour = 0, min = 0, sec = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, 0);
  return d.getTime();
}

/** The instant at which a civil time in a zone occurs (Go's time.Date: the earlier offset where ambiguous). */
export function zonedMs(zone: string, year: number, month: number, day: number, hour: number, min: number, sec: number): number {
  const local = utcMs(year, month, day, hour, min, sec);
  // As Go does: try the offset before and after a transition, keep the one that is consistent.
  const off1 = zoneOffset(zone, local - 86_400_000);
  const off2 = zoneOffset(zone, local + 86_400_000);
  for (const off of [off1, off2]) {
    const t = local - off * 1000;
    if (zoneOffset(zone, t) === off) return t;
  }
  return local - zoneOffset(zone, local) * 1000;
}

/** Civil fields of an instant in a zone. */
export interface Civil {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  weekday: number; // 0 = Sunday
  yday: number; // 1–366
  offset: number; // seconds east of UTC
  abbrev: string;
}

export function civil(t: GoTime): Civil {
  const offset = zoneOffset(t.zone, t.ms);
  const wallMs = t.ms + offset * 1000;
  const msInSec = ((wallMs % 1000) + 1000) % 1000;
  const d = new Date(wallMs - msInSec);
  const year = d.getUTCFullYear();
  const startOfYear = utcMs(year, 1, 1);
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    min: d.getUTCMinutes(),
    sec: d.getUTCSeconds(),
    nsec: msInSec * 1_000_000 + t.extraNs,
    weekday: d.getUTCDay(),
    yday: Math.floor((d.getTime() - startOfYear) / MS_PER_DAY) + 1,
    offset,
    abbrev: zoneAbbrev(t.zone, t.ms),
  };
}

const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

type Std =
  | { k: 'lit'; s: string }
  | { k: 'month' | 'longMonth' | 'numMonth' | 'zeroMonth' | 'weekDay' | 'longWeekDay' | 'day' | 'underDay' | 'zeroDay' | 'underYearDay' | 'zeroYearDay' | 'hour' | 'hour12' | 'zeroHour12' | 'minute' | 'zeroMinute' | 'second' | 'zeroSecond' | 'longYear' | 'year' | 'PM' | 'pm' | 'tz' }
  | { k: 'numTZ' | 'isoTZ'; colon: boolean; seconds: boolean; short: boolean }
  | { k: 'frac'; nines: boolean; n: number; sep: string };

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** Splits a Go layout into literal text and its std chunks, as time.nextStdChunk does. */
export function layoutChunks(layout: string): Std[] {
  const out: Std[] = [];
  let lit = '';
  const push = (std: Std) => {
    if (lit) out.push({ k: 'lit', s: lit });
    lit = '';
    out.push(std);
  };
  let i = 0;
  while (i < layout.length) {
    const c = layout[i];
    const rest = layout.slice(i);
    let m: Std | undefined;
    let len = 0;
    switch (c) {
      case 'J':
        if (rest.startsWith('January')) [m, len] = [{ k: 'longMonth' }, 7];
        else if (rest.startsWith('Jan')) [m, len] = [{ k: 'month' }, 3];
        break;
      case 'M':
        if (rest.startsWith('Monday')) [m, len] = [{ k: 'longWeekDay' }, 6];
        else if (rest.startsWith('Mon')) [m, len] = [{ k: 'weekDay' }, 3];
        else if (rest.startsWith('MST')) [m, len] = [{ k: 'tz' }, 3];
        break;
      case '0':
        if (rest.length >= 2 && rest[1] >= '1' && rest[1] <= '6') {
          const kinds = ['zeroMonth', 'zeroDay', 'zeroHour12', 'zeroMinute', 'zeroSecond', 'year'] as const;
          [m, len] = [{ k: kinds[rest.charCodeAt(1) - 49] }, 2];
        } else if (rest.startsWith('002')) [m, len] = [{ k: 'zeroYearDay' }, 3];
        break;
      case '1':
        if (rest.startsWith('15')) [m, len] = [{ k: 'hour' }, 2];
        else [m, len] = [{ k: 'numMonth' }, 1];
        break;
      case '2':
        if (rest.startsWith('2006')) [m, len] = [{ k: 'longYear' }, 4];
        else [m, len] = [{ k: 'day' }, 1];
        break;
      case '_':
        if (rest.length >= 2 && rest[1] === '2') {
          if (rest.startsWith('_2006')) {
            lit += '_';
            [m, len] = [{ k: 'longYear' }, 4];
            i += 1;
          } else [m, len] = [{ k: 'underDay' }, 2];
        } else if (rest.startsWith('__2')) [m, len] = [{ k: 'underYearDay' }, 3];
        break;
      case '3':
        [m, len] = [{ k: 'hour12' }, 1];
        break;
      case '4':
        [m, len] = [{ k: 'minute' }, 1];
        break;
      case '5':
        [m, len] = [{ k: 'second' }, 1];
        break;
      case 'P':
        if (rest.startsWith('PM')) [m, len] = [{ k: 'PM' }, 2];
        break;
      case 'p':
        if (rest.startsWith('pm')) [m, len] = [{ k: 'pm' }, 2];
        break;
      case '-':
      case 'Z': {
        const k = c === '-' ? 'numTZ' : 'isoTZ';
        const body = rest.slice(1);
        if (body.startsWith('070000')) [m, len] = [{ k, colon: false, seconds: true, short: false }, 7];
        else if (body.startsWith('07:00:00')) [m, len] = [{ k, colon: true, seconds: true, short: false }, 9];
        else if (body.startsWith('0700')) [m, len] = [{ k, colon: false, seconds: false, short: false }, 5];
        else if (body.startsWith('07:00')) [m, len] = [{ k, colon: true, seconds: false, short: false }, 6];
        else if (body.startsWith('07')) [m, len] = [{ k, colon: false, seconds: false, short: true }, 3];
        break;
      }
      case '.':
      case ',':
        if (rest.length > 1 && (rest[1] === '0' || rest[1] === '9')) {
          let j = 1;
          while (j < rest.length && rest[j] === rest[1]) j++;
          if (!isDigit(rest, j)) [m, len] = [{ k: 'frac', nines: rest[1] === '9', n: j - 1, sep: c }, j];
        }
        break;
    }
    if (m) {
      push(m);
      i += len;
    } else {
      lit += c;
      i++;
    }
  }
  if (lit) out.push({ k: 'lit', s: lit });
  return out;
}

const pad = (n: number, w: number) => {
  const s = String(Math.abs(n)).padStart(w, '0');
  return n < 0 ? '-' + s : s;
};

/** time.Time.Format with a Go layout. */
export function formatTime(t: GoTime, layout: string): string {
  const c = civil(t);
  let out = '';
  for (const std of layoutChunks(layout)) {
    switch (std.k) {
      case 'lit':
        out += std.s;
        break;
      case 'year':
        out += pad(((c.year % 100) + 100) % 100, 2);
        break;
      case 'longYear':
        out += pad(c.year, 4);
        break;
      case 'month':
        out += LONG_MONTHS[c.month - 1].slice(0, 3);
        break;
      case 'longMonth':
        out += LONG_MONTHS[c.month - 1];
        break;
      case 'numMonth':
        out += c.month;
        break;
      case 'zeroMonth':
        out += pad(c.month, 2);
        break;
      case 'weekDay':
        out += LONG_DAYS[c.weekday].slice(0, 3);
        break;
      case 'longWeekDay':
        out += LONG_DAYS[c.weekday];
        break;
      case 'day':
        out += c.day;
        break;
      case 'underDay':
        out += c.day < 10 ? ' ' + c.day : String(c.day);
        break;
      case 'zeroDay':
        out += pad(c.day, 2);
        break;
      case 'underYearDay':
        out += String(c.yday).padStart(3, ' ');
        break;
      case 'zeroYearDay':
        out += pad(c.yday, 3);
        break;
      case 'hour':
        out += pad(c.hour, 2);
        break;
      case 'hour12':
        out += c.hour % 12 === 0 ? 12 : c.hour % 12;
        break;
      case 'zeroHour12':
        out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2);
        break;
      case 'minute':
        out += c.min;
        break;
      case 'zeroMinute':
        out += pad(c.min, 2);
        break;
      case 'second':
        out += c.sec;
        break;
      case 'zeroSecond':
        out += pad(c.sec, 2);
        break;
      case 'PM':
        out += c.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += c.hour >= 12 ? 'pm' : 'am';
        break;
      case 'numTZ':
      case 'isoTZ': {
        if (std.k === 'isoTZ' && c.offset === 0) {
          out += 'Z';
          break;
        }
        const a = Math.abs(c.offset);
        out += (c.offset < 0 ? '-' : '+') + pad(Math.floor(a / 3600), 2);
        if (!std.short) out += (std.colon ? ':' : '') + pad(Math.floor((a % 3600) / 60), 2);
        if (std.seconds) out += (std.colon ? ':' : '') + pad(a % 60, 2);
        break;
      }
      case 'tz':
        if (c.abbrev) out += c.abbrev;
        else {
          const a = Math.abs(c.offset);
          out += (c.offset < 0 ? '-' : '+') + pad(Math.floor(a / 3600), 2) + pad(Math.floor((a % 3600) / 60), 2);
        }
        break;
      case 'frac': {
        const digits = String(c.nsec).padStart(9, '0').slice(0, std.n);
        if (!std.nines) out += std.sep + digits;
        else {
          const trimmed = String(c.nsec).padStart(9, '0').replace(/0+$/, '').slice(0, std.n);
          if (trimmed) out += std.sep + trimmed;
        }
        break;
      }
    }
  }
  return out;
}

/** time.Time.String(): `2006-01-02 15:04:05.999999999 -0700 MST`. */
export function timeString(t: GoTime): string {
  return formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
}

/** Go's zero time.Time (January 1, year 1, 00:00:00 UTC). */
export function zeroTime(): GoTime {
  return new GoTime(utcMs(1, 1, 1), 0, 'UTC');
}

class ParseError extends Error {}

function quoteGoString(s: string): string {
  return JSON.stringify(s);
}

/**
 * time.ParseInLocation: parses `value` with a Go layout; a value without a zone is read in `zone`.
 * Throws GoFuncError with Go's message on failure.
 */
export function parseTime(layout: string, value: string, zone: string): GoTime {
  const orig = value;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pmSet = false;
  let amSet = false;
  let zoneOffsetSec: number | undefined;
  let zoneName = '';
  const chunks = layoutChunks(layout);
  const fail = (elem: string, v: string, msg = ''): never => {
    throw new GoFuncError(msg ? `parsing time ${quoteGoString(orig)}${msg}` : `parsing time ${quoteGoString(orig)} as ${quoteGoString(layout)}: cannot parse ${quoteGoString(v)} as ${quoteGoString(elem)}`);
  };
  const getnum = (fixed: boolean): number => {
    if (!isDigit(value, 0)) throw new ParseError();
    if (!isDigit(value, 1)) {
      if (fixed) throw new ParseError();
      const n = value.charCodeAt(0) - 48;
      value = value.slice(1);
      return n;
    }
    const n = Number(value.slice(0, 2));
    value = value.slice(2);
    return n;
  };
  const getnum3 = (fixed: boolean): number => {
    let i = 0;
    let n = 0;
    while (i < 3 && isDigit(value, i)) n = n * 10 + value.charCodeAt(i++) - 48;
    if (i === 0 || (fixed && i !== 3)) throw new ParseError();
    value = value.slice(i);
    return n;
  };
  const lookup = (names: string[]): number => {
    for (let i = 0; i < names.length; i++) {
      if (value.length >= names[i].length && value.slice(0, names[i].length).toLowerCase() === names[i].toLowerCase()) {
        value = value.slice(names[i].length);
        return i;
      }
    }
    throw new ParseError();
  };
  const elemText: Record<string, string> = {
    month: 'Jan', longMonth: 'January', numMonth: '1', zeroMonth: '01', weekDay: 'Mon', longWeekDay: 'Monday', day: '2', underDay: '_2', zeroDay: '02',
    underYearDay: '__2', zeroYearDay: '002', hour: '15', hour12: '3', zeroHour12: '03', minute: '4', zeroMinute: '04', second: '5', zeroSecond: '05',
    longYear: '2006', year: '06', PM: 'PM', pm: 'pm', tz: 'MST',
  };
  for (let ci = 0; ci < chunks.length; ci++) {
    const std = chunks[ci];
    if (std.k === 'lit') {
      // Go skips spaces leniently around literal text.
      let lit = std.s;
      while (lit.length > 0) {
        if (lit[0] === ' ') {
          if (value.length > 0 && value[0] !== ' ') fail(lit, value);
          lit = lit.replace(/^ +/, '');
          value = value.replace(/^ +/, '');
          continue;
        }
        if (value.length === 0 || value[0] !== lit[0]) fail(std.s, value);
        lit = lit.slice(1);
        value = value.slice(1);
      }
      continue;
    }
    const before = value;
    const elem = std.k === 'frac' ? std.sep + (std.nines ? '9' : '0').repeat(std.n) : std.k === 'numTZ' || std.k === 'isoTZ' ? (std.k === 'isoTZ' ? 'Z' : '-') + (std.short ? '07' : std.colon ? (std.seconds ? '07:00:00' : '07:00') : std.seconds ? '070000' : '0700') : elemText[std.k];
    try {
      switch (std.k) {
        case 'year': {
          if (value.length < 2) throw new ParseError();
          const y = Number(value.slice(0, 2));
          if (!/^\d\d$/.test(value.slice(0, 2))) throw new ParseError();
          value = value.slice(2);
          year = y >= 69 ? y + 1900 : y + 2000;
          break;
        }
        case 'longYear':
          if (value.length < 4 || !/^\d{4}$/.test(value.slice(0, 4))) throw new ParseError();
          year = Number(value.slice(0, 4));
          value = value.slice(4);
          break;
        case 'month':
          month = lookup(LONG_MONTHS.map((m) => m.slice(0, 3))) + 1;
          break;
        case 'longMonth':
          month = lookup(LONG_MONTHS) + 1;
          break;
        case 'numMonth':
        case 'zeroMonth':
          month = getnum(std.k === 'zeroMonth');
          if (month <= 0 || month > 12) fail('', '', `: month out of range`);
          break;
        case 'weekDay':
          lookup(LONG_DAYS.map((d) => d.slice(0, 3)));
          break;
        case 'longWeekDay':
          lookup(LONG_DAYS);
          break;
        case 'day':
        case 'underDay':
        case 'zeroDay':
          if (std.k === 'underDay' && value[0] === ' ') value = value.slice(1);
          day = getnum(std.k === 'zeroDay');
          break;
        case 'underYearDay':
        case 'zeroYearDay':
          for (let i = 0; i < 2 && std.k === 'underYearDay' && value[0] === ' '; i++) value = value.slice(1);
          yday = getnum3(std.k === 'zeroYearDay');
          break;
        case 'hour':
          hour = getnum(false);
          if (hour < 0 || hour >= 24) fail('', '', ': hour out of range');
          break;
        case 'hour12':
        case 'zeroHour12':
          hour = getnum(std.k === 'zeroHour12');
          if (hour < 0 || hour > 12) fail('', '', ': hour out of range');
          break;
        case 'minute':
        case 'zeroMinute':
          min = getnum(std.k === 'zeroMinute');
          if (min < 0 || min >= 60) fail('', '', ': minute out of range');
          break;
        case 'second':
        case 'zeroSecond': {
          sec = getnum(std.k === 'zeroSecond');
          if (sec < 0 || sec >= 60) fail('', '', ': second out of range');
          // A fractional second the layout does not mention is read anyway.
          const next = chunks[ci + 1];
          if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1) && !(next && next.k === 'frac')) {
            let j = 1;
            while (isDigit(value, j)) j++;
            nsec = fracNanos(value.slice(1, j));
            value = value.slice(j);
          }
          break;
        }
        case 'PM':
        case 'pm': {
          const p = value.slice(0, 2);
          if (p === 'PM' || (std.k === 'pm' && p === 'pm')) pmSet = true;
          else if (p === 'AM' || (std.k === 'pm' && p === 'am')) amSet = true;
          else throw new ParseError();
          value = value.slice(2);
          break;
        }
        case 'isoTZ':
        case 'numTZ': {
          if (std.k === 'isoTZ' && value[0] === 'Z') {
            value = value.slice(1);
            zoneOffsetSec = 0;
            zoneName = 'UTC';
            break;
          }
          const re = std.short ? /^([+-])(\d\d)/ : std.colon ? (std.seconds ? /^([+-])(\d\d):(\d\d):(\d\d)/ : /^([+-])(\d\d):(\d\d)/) : std.seconds ? /^([+-])(\d\d)(\d\d)(\d\d)/ : /^([+-])(\d\d)(\d\d)/;
          const m = re.exec(value);
          if (!m) throw new ParseError();
          value = value.slice(m[0].length);
          const off = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
          zoneOffsetSec = m[1] === '-' ? -off : off;
          break;
        }
        case 'tz': {
          if (value.startsWith('UTC')) {
            value = value.slice(3);
            zoneName = 'UTC';
            zoneOffsetSec = 0;
            break;
          }
          const m = /^[A-Z]{3,5}/.exec(value) ?? /^(GMT[+-]\d+)/.exec(value);
          if (!m) throw new ParseError();
          zoneName = m[0];
          value = value.slice(m[0].length);
          break;
        }
        case 'frac': {
          if (std.nines) {
            if (value.length < 2 || !(value[0] === '.' || value[0] === ',') || !isDigit(value, 1)) break;
            let j = 1;
            while (isDigit(value, j)) j++;
            nsec = fracNanos(value.slice(1, j));
            value = value.slice(j);
          } else {
            const n = 1 + std.n;
            if (value.length < n || value[0] !== std.sep && !(value[0] === '.' || value[0] === ',')) throw new ParseError();
            if (!/^\d+$/.test(value.slice(1, n))) throw new ParseError();
            nsec = fracNanos(value.slice(1, n));
            value = value.slice(n);
          }
          break;
        }
      }
    } catch (e) {
      if (e instanceof ParseError) fail(elem, before);
      throw e;
    }
  }
  if (value.length > 0) throw new GoFuncError(`parsing time ${quoteGoString(orig)}: extra text: ${quoteGoString(value)}`);
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (yday < 1 || yday > (leap ? 366 : 365)) fail('', '', ': day-of-year out of range');
    const d = new Date(utcMs(year, 1, 1) + (yday - 1) * MS_PER_DAY);
    if (month >= 0 && month !== d.getUTCMonth() + 1) fail('', '', ': day-of-year does not match month');
    month = d.getUTCMonth() + 1;
    if (day >= 0 && day !== d.getUTCDate()) fail('', '', ': day-of-year does not match day');
    day = d.getUTCDate();
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  const dim = new Date(utcMs(year, month + 1, 0)).getUTCDate();
  if (day < 1 || day > dim) fail('', '', ': day out of range');
  let ms: number;
  let outZone = zone;
  if (zoneOffsetSec !== undefined) {
    ms = utcMs(year, month, day, hour, min, sec) - zoneOffsetSec * 1000;
    if (zoneName === 'UTC' && zoneOffsetSec === 0) outZone = 'UTC';
    else if (zoneOffset(zone, ms) !== zoneOffsetSec) outZone = fixedZone(zoneOffsetSec);
  } else if (zoneName) {
    ms = zonedMs(zone, year, month, day, hour, min, sec);
    if (zoneAbbrev(zone, ms) !== zoneName) {
      // An abbreviation the zone does not use: Go makes a zone of that name, at offset 0 (or GMT±h).
      const gmt = /^GMT([+-]\d+)$/.exec(zoneName);
      const off = gmt ? Number(gmt[1]) * 3600 : 0;
      ms = utcMs(year, month, day, hour, min, sec) - off * 1000;
      outZone = fixedZone(off, zoneName);
    }
  } else {
    ms = zonedMs(zone, year, month, day, hour, min, sec);
  }
  return new GoTime(ms + Math.floor(nsec / 1_000_000), nsec % 1_000_000, outZone);
}

function fracNanos(digits: string): number {
  return Number(digits.slice(0, 9).padEnd(9, '0'));
}

/** A zone for a fixed offset, optionally named (our extension of the zone field: `±hh:mm[ name]`). */
export function fixedZone(offsetSec: number, name = ''): string {
  const a = Math.abs(offsetSec);
  return (offsetSec < 0 ? '-' : '+') + pad(Math.floor(a / 3600), 2) + ':' + pad(Math.floor((a % 3600) / 60), 2) + (name ? ' ' + name : '');
}

/** Seconds since the epoch (Go's t.Unix()). */
export function unixSeconds(t: GoTime): bigint {
  return BigInt(Math.floor(t.ms / 1000));
}

/** Nanoseconds since the epoch. */
export function unixNanos(t: GoTime): bigint {
  return BigInt(t.ms) * 1_000_000n + BigInt(t.extraNs);
}

/** A GoTime from nanoseconds since the epoch, in a zone. */
export function timeFromNanos(ns: bigint, zone: string): GoTime {
  const ms = ns / 1_000_000n;
  let rem = ns % 1_000_000n;
  let msN = Number(ms);
  if (rem < 0n) {
    rem += 1_000_000n;
    msN -= 1;
  }
  return new GoTime(msN, Number(rem), zone);
}

/** time.Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function durationString(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // Sub-second: the largest unit that keeps a digit before the point.
    let unit: string;
    let prec: number;
    if (u < 1000n) {
      return (neg ? '-' : '') + u.toString() + 'ns';
    } else if (u < 1_000_000n) {
      unit = 'µs';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    out = fracString(u, prec) + unit;
  } else {
    const secsPart = fracString(u % 60_000_000_000n, 9) + 's';
    u /= 60_000_000_000n;
    out = secsPart;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return (neg ? '-' : '') + out;
}

/** `v` with `prec` decimal digits, trailing zeros (and a bare point) removed. */
function fracString(v: bigint, prec: number): string {
  const scale = 10n ** BigInt(prec);
  const int = v / scale;
  const frac = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '');
  return int.toString() + (frac ? '.' + frac : '');
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_INT64 = (1n << 63n) - 1n;

/** time.ParseDuration: `300ms`, `-1.5h`, `2h45m`. Throws GoFuncError with Go's message. */
export function parseDuration(s: string): bigint {
  const orig = s;
  const bad = (): never => {
    throw new GoFuncError(`time: invalid duration ${JSON.stringify(orig)}`);
  };
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') bad();
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(\.(\d*))?/.exec(s)!;
    if (m[1] === '' && (m[3] === undefined || m[3] === '')) bad();
    s = s.slice(m[0].length);
    const u = /^[^0-9.]+/.exec(s);
    if (!u) throw new GoFuncError(`time: missing unit in duration ${JSON.stringify(orig)}`);
    const unit = UNITS[u[0]];
    if (unit === undefined) throw new GoFuncError(`time: unknown unit ${JSON.stringify(u[0])} in duration ${JSON.stringify(orig)}`);
    s = s.slice(u[0].length);
    let v = BigInt(m[1] || '0') * unit;
    if (m[3]) {
      const frac = m[3];
      v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) bad();
  }
  return neg ? -total : total;
}
