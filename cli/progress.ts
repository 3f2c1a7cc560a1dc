import { fstatSync } from 'node:fs';
import type { Progress } from '../core/repo/client.js';

/**
 * Whether stderr is a terminal. A terminal is a character device; a pipe or a file is answered without
 * `process.stderr`, which costs 2–3 ms to set up on a pipe (it loads Node's net module).
 */
function stderrIsTerminal(): boolean {
  try {
    if (!fstatSync(2).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return process.stderr.isTTY === true;
}

/**
 * A download bar on a terminal (cli-progress); nothing when output is not a TTY. Whether stderr is a terminal
 * is asked when long work starts, not at every start: `process.stderr` costs 2–3 ms to set up on a pipe.
 */
export function terminalProgress(): () => Progress | undefined {
  return () => {
    if (!stderrIsTerminal()) return undefined;
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
