import { Writable } from 'node:stream';
import { resolveServerConfig } from '../../registry-server/config.js';
import { startRegistry, type RunningRegistry } from '../../registry-server/server.js';

/** A registry in this process on 127.0.0.1 and a free port, with its log lines captured. */
export async function startTestRegistry(flags: Record<string, unknown>): Promise<RunningRegistry & { logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const config = resolveServerConfig({ host: '127.0.0.1', port: 0, logLevel: 'info', ...flags }, {});
  const running = await startRegistry(config, { logDestination: sink });
  return Object.assign(running, { logs });
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A multipart body with a chart and optional provenance file, as `curl -F chart=@x.tgz` sends it. */
export function multipart(parts: { field: string; filename: string; data: Buffer }[]): { body: Buffer; contentType: string } {
  const boundary = `----chartroom${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.field}"; filename="${p.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    chunks.push(p.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
