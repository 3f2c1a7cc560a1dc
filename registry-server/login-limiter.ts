import { isIPv4, isIPv6 } from 'node:net';

export interface FailureLimiterOptions {
  /** Failures a key may have in one window; the next attempt is refused until the window ends. */
  limit: number;
  windowMs?: number;
  /** Keys tracked at once; past it the oldest is forgotten, so memory stays bounded whatever clients send. */
  maxKeys?: number;
  now?: () => number;
}

interface Window {
  start: number;
  count: number;
}

/**
 * Counts failures per key (a client address, a user name) in fixed windows that start at a key's first
 * failure. Keys are whatever clients send, so they live in a Map (never an object: `__proto__` is a name like
 * any other), and at most `maxKeys` of them: the oldest window is dropped first. Forgetting a key only ever
 * lets its owner try again sooner; it never refuses anyone.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(opts: FailureLimiterOptions) {
    this.limit = Math.max(1, Math.floor(opts.limit));
    this.windowMs = opts.windowMs ?? 60_000;
    this.maxKeys = Math.max(1, opts.maxKeys ?? 10_000);
    this.now = opts.now ?? Date.now;
  }

  /** The key's current window, if it has one that has not ended. */
  private current(key: string): Window | undefined {
    const w = this.windows.get(key);
    if (w && this.now() - w.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  /** Failures (counted or reserved) of a key in its current window. */
  count(key: string): number {
    return this.current(key)?.count ?? 0;
  }

  /** Seconds until the key may try again (at least 1), or 0 when it is under the limit. */
  retryAfter(key: string): number {
    const w = this.current(key);
    if (!w || w.count < this.limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000));
  }

  /** Counts a failure (or reserves one for an attempt in flight: see refund). */
  add(key: string): void {
    const w = this.current(key);
    if (w) {
      w.count++;
      return;
    }
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value as string;
      this.windows.delete(oldest);
    }
    this.windows.set(key, { start: this.now(), count: 1 });
  }

  /** Takes back a reserved failure: the attempt succeeded, or was never checked. */
  refund(key: string): void {
    const w = this.current(key);
    if (w && w.count > 0) w.count--;
  }

  /** Keys tracked now (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }
}

/**
 * The key of a client address: IPv4 as is (also when mapped into IPv6), IPv6 by its /64 prefix, since one
 * host usually holds a whole /64 and could otherwise take a fresh address for every attempt.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address.slice(0, 64);
  const [head, tail = ''] = address.split('%')[0].toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
