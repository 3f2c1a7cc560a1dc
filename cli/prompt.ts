import { readline } from '../core/builtin.js';

/** Asks a question on the terminal (stderr); with `hidden`, what is typed is not echoed (passwords, passphrases). */
export function ask(question: string, hidden: boolean): Promise<string> {
  const stdin = process.stdin;
  if (!hidden) {
    const rl = readline().createInterface({ input: stdin, output: process.stderr, terminal: true });
    return new Promise((resolve) => rl.question(question, (answer) => (rl.close(), resolve(answer))));
  }
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let value = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === '\r' || c === '\n' || c === '\u0004') return finish();
        if (c === '\u0003') return finish(new Error('interrupted'));
        value = c === '\u007f' || c === '\b' ? value.slice(0, -1) : value + c;
      }
    };
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    stdin.on('data', onData);
  });
}
