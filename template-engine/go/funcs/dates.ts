import { GoFuncError, GoTime, type GoValue } from '../value.js';
import { def, type FuncTable } from './kinds.js';
import { durationString, formatTime, isKnownZone, parseDuration, parseTime, timeFromNanos, unixNanos, unixSeconds, zeroTime } from './time.js';

/**
 * Sprig's date functions (date.go): Go layouts (`2006-01-02T15:04:05Z07:00`), Go durations, Local meaning the
 * machine's zone. A date argument may be a time or Unix seconds (an int); anything else means "now", as in Sprig.
 */

/** The clock the date functions read (tests pass a fixed one). */
export type Clock = () => GoTime;

/** time.Now() in the Local zone, to the nanosecond where the platform gives it. */
export const systemClock: Clock = () => {
  const t = performance.timeOrigin + performance.now();
  const ms = Math.floor(t);
  return new GoTime(ms, Math.floor((t - ms) * 1e6) % 1_000_000, 'Local');
};

const MAX_INT64 = (1n << 63n) - 1n;

/** time.Duration.Round(m): to the nearest multiple, halves away from zero. */
function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (r + r < m) return d + r;
    const d1 = d - m + r;
    return d1 < d ? d1 : -MAX_INT64 - 1n;
  }
  if (r + r < m) return d - r;
  const d1 = d + m - r;
  return d1 > d ? d1 : MAX_INT64;
}

/**
 * The date functions. `localZone` is what Go calls Local (default: the machine's zone); a fixed one makes
 * rendering repeatable, as TZ does for helm.
 */
export function dateFuncs(systemTime: Clock, localZone: string | (() => string) = 'Local'): FuncTable {
  // Named on first use: asking the system for its zone loads ICU's data, which most renders never need.
  let named: string | undefined;
  const local = (): string => (named ??= typeof localZone === 'function' ? localZone() : localZone);
  const clock: Clock = () => {
    const t = systemTime();
    return t.zone === 'Local' && local() !== 'Local' ? new GoTime(t.ms, t.extraNs, local()) : t;
  };
  /** The time a date argument stands for. */
  const timeOf = (date: GoValue): GoTime => {
    if (date instanceof GoTime) return date;
    if (typeof date === 'bigint') return timeFromNanos(BigInt.asIntN(64, date) * 1_000_000_000n, local());
    return clock();
  };
  const inZone = (layout: string, date: GoValue, zone: string): string => {
    const t = timeOf(date);
    const loc = zone === 'Local' ? local() : isKnownZone(zone) ? (zone === '' ? 'UTC' : zone) : 'UTC';
    return formatTime(new GoTime(t.ms, t.extraNs, loc), layout);
  };
  const since = (t: GoTime): bigint => unixNanos(clock()) - unixNanos(t);
  const addDuration = (t: GoTime, ns: bigint): GoTime => timeFromNanos(unixNanos(t) + ns, t.zone);

  return {
    now: def('now', [], () => clock()),
    date: def('date', ['string', 'any'], (layout: string, date: GoValue) => inZone(layout, date, 'Local')),
    dateInZone: def('dateInZone', ['string', 'any', 'string'], inZone),
    date_in_zone: def('date_in_zone', ['string', 'any', 'string'], inZone),
    htmlDate: def('htmlDate', ['any'], (date: GoValue) => inZone('2006-01-02', date, 'Local')),
    htmlDateInZone: def('htmlDateInZone', ['any', 'string'], (date: GoValue, zone: string) => inZone('2006-01-02', date, zone)),
    dateModify: def('dateModify', ['string', 'time'], (d: string, t: GoTime) => {
      try {
        return addDuration(t, parseDuration(d));
      } catch {
        return t;
      }
    }),
    date_modify: def('date_modify', ['string', 'time'], (d: string, t: GoTime) => {
      try {
        return addDuration(t, parseDuration(d));
      } catch {
        return t;
      }
    }),
    mustDateModify: def('mustDateModify', ['string', 'time'], (d: string, t: GoTime) => addDuration(t, parseDuration(d))),
    must_date_modify: def('must_date_modify', ['string', 'time'], (d: string, t: GoTime) => addDuration(t, parseDuration(d))),
    ago: def('ago', ['any'], (date: GoValue) => durationString(roundDuration(since(timeOf(date)), 1_000_000_000n))),
    duration: def('duration', ['any'], (sec: GoValue) => {
      let n = 0n;
      if (typeof sec === 'string') n = /^[+-]?\d+$/.test(sec) && BigInt(sec) <= MAX_INT64 && BigInt(sec) >= -MAX_INT64 - 1n ? BigInt(sec) : 0n;
      else if (typeof sec === 'bigint') n = sec;
      return durationString(BigInt.asIntN(64, n * 1_000_000_000n));
    }),
    durationRound: def('durationRound', ['any'], (v: GoValue) => {
      let d = 0n;
      if (typeof v === 'string') {
        try {
          d = parseDuration(v);
        } catch {
          d = 0n;
        }
      } else if (typeof v === 'bigint') d = v;
      else if (v instanceof GoTime) d = since(v);
      const u = BigInt.asUintN(64, d < 0n ? -d : d);
      const second = 1_000_000_000n;
      const units: [bigint, string][] = [
        [second * 3600n * 24n * 365n, 'y'],
        [second * 3600n * 24n * 30n, 'mo'],
        [second * 3600n * 24n, 'd'],
        [second * 3600n, 'h'],
        [second * 60n, 'm'],
        [second, 's'],
      ];
      for (const [size, unit] of units) if (u > size) return (u / size).toString() + unit;
      return '0s';
    }),
    toDate: def('toDate', ['string', 'string'], (layout: string, s: string) => {
      try {
        return parseTime(layout, s, local());
      } catch (e) {
        if (e instanceof GoFuncError) return zeroTime();
        throw e;
      }
    }),
    mustToDate: def('mustToDate', ['string', 'string'], (layout: string, s: string) => parseTime(layout, s, local())),
    unixEpoch: def('unixEpoch', ['time'], (t: GoTime) => unixSeconds(t).toString()),
  };
}
