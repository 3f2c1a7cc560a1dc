import * as semver from '../../../core/semver-lib.js';
import { satisfies } from '../../../core/semver-range.js';
import { goDate } from '../go-format.js';
import type { Helper } from './types.js';
import { toNumber, toStr } from './values.js';

function toDateValue(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v * 1000);
  const d = new Date(toStr(v));
  if (isNaN(d.getTime())) throw new Error(`not a date: ${toStr(v)}`);
  return d;
}

function zoneOffset(zone: string, at: Date): number {
  if (!zone || zone === 'UTC' || zone === 'Local') return 0;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The fields Masterminds' Version exposes, so `(semver "1.2.3").Major` works as in Helm. */
function semverObject(v: string) {
  const parsed = semver.parse(v.replace(/^v/, ''), { loose: true });
  if (!parsed) throw new Error(`invalid semantic version: ${v}`);
  return {
    Major: parsed.major,
    Minor: parsed.minor,
    Patch: parsed.patch,
    Prerelease: parsed.prerelease.join('.'),
    Metadata: parsed.build.join('.'),
    Original: v,
  };
}

export const timeHelpers: Record<string, Helper> = {
  now() {
    return this.render.now();
  },
  date: (layout, d) => goDate(toStr(layout), toDateValue(d)),
  dateInZone: (layout, d, zone) => {
    const date = toDateValue(d);
    return goDate(toStr(layout), date, zoneOffset(toStr(zone), date));
  },
  unixEpoch: (d) => String(Math.floor(toDateValue(d).getTime() / 1000)),
  dateModify: (mod, d) => {
    const m = /^([-+]?\d+(?:\.\d+)?)(h|m|s|ms)$/.exec(toStr(mod));
    if (!m) return toDateValue(d);
    const unit = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as 'h' | 'm' | 's' | 'ms'];
    return new Date(toDateValue(d).getTime() + toNumber(m[1]) * unit);
  },
  toDate: (layout, s) => toDateValue(s),
  semver: (v) => semverObject(toStr(v)),
  semverCompare: (constraint, version) => {
    const v = toStr(version);
    if (!semver.parse(v.replace(/^v/, ''), { loose: true })) throw new Error(`semverCompare: invalid version ${JSON.stringify(v)}`);
    return satisfies(v, toStr(constraint));
  },
};
