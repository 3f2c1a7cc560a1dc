import type { Progress } from '../core/repo/client.js';

/**
 * A download bar on a terminal (cli-progress); nothing when output is not a TTY. Whether stderr is a terminal
 * is asked when long work starts, not at every start: `process.stderr` costs 2–3 ms to set up on a pipe.
 */
export function terminalProgress(): () => Progress | undefined {
  return () => {
    if (!process.stderr.isTTY) return undefined;
    // Loaded only when a large download starts on a terminal.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
    const bar = new SingleBar({ format: '{label} [{bar}] {percentage}% {value}/{total}', stream: process.stderr, clearOnComplete: true, hideCursor: true }, Presets.shades_classic);
    return {
      start: (label, total) => bar.start(total, 0, { label }),
      update: (bytes) => bar.update(bytes),
      stop: () => bar.stop(),
    };
  };
}
