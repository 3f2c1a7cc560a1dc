export interface WaitOptions {
  /** Give up (and throw) once this many milliseconds have passed. */
  timeoutMs: number;
  /** Pause between two checks. */
  intervalMs: number;
  /** What the test waits for, for the error message: `timed out after 5000ms waiting for <what>`. */
  what: string;
}

/**
 * Polls `condition` until it returns true; resolves with the milliseconds that took. Use it instead of a fixed
 * sleep: wait for the thing the sleep stood in for (a replica seeing a publish, the clock passing a second, a
 * server answering 201), so a test is as fast as the machine allows and never flaky on a slow one.
 * The condition is checked once more at the deadline, so a slow first check still gets a fair answer.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, opts: WaitOptions): Promise<number> {
  const start = Date.now();
  const deadline = start + opts.timeoutMs;
  for (;;) {
    if (await condition()) return Date.now() - start;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${opts.timeoutMs}ms waiting for ${opts.what}`);
    await new Promise((r) => setTimeout(r, Math.min(opts.intervalMs, left)));
  }
}
