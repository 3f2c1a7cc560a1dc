import { spawn, type ChildProcess } from 'node:child_process';
import { CHART_BIN, TEST_CACHE_DIR } from './cli.js';
import { waitFor as poll } from './wait.js';

export interface Replica {
  url: string;
  proc: ChildProcess;
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `chart serve` as its own process on 127.0.0.1 and a free port; resolves once it listens. */
export function startReplica(args: string[], env: Record<string, string> = {}): Promise<Replica> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CHART_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], { env: { CHARTROOM_CACHE_DIR: TEST_CACHE_DIR, ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const logs: string[] = [];
    let buf = '';
    let done = false;
    const timer = setTimeout(() => {
      if (!done) {
        proc.kill('SIGKILL');
        reject(new Error(`replica did not start:\n${logs.join('\n')}`));
      }
    }, 30_000);
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.stdout!.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        logs.push(line);
        if (!done && line.includes('chartroom registry listening')) {
          done = true;
          clearTimeout(timer);
          const url = JSON.parse(line).url as string;
          resolve({
            url,
            proc,
            logs,
            async stop(signal: NodeJS.Signals = 'SIGTERM') {
              if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
              await exited;
            },
          });
        }
      }
    });
    proc.stderr!.on('data', (d) => logs.push(String(d)));
    proc.once('exit', (code) => {
      if (!done) {
        clearTimeout(timer);
        reject(new Error(`replica exited with ${code}:\n${logs.join('\n')}`));
      }
    });
  });
}

/** Polls until `check` returns true or the time is up; resolves with the milliseconds it took. */
export function waitFor(check: () => Promise<boolean>, timeoutMs: number, label: string): Promise<number> {
  return poll(check, { timeoutMs, intervalMs: 50, what: label });
}
