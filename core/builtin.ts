import { createRequire } from 'node:module';

/**
 * Node's own modules that few commands need, loaded on first use. A builtin that a module imports at its top
 * is compiled at every start, whatever the command (node:tls alone costs 3 ms, all of these 5 ms of a 30 ms
 * `chart --version`). In the CLI bundle `require` exists; elsewhere (ESM tests, library use) it is made.
 */
const load = (name: string): unknown => (typeof require === 'function' ? require(name) : createRequire(import.meta.url)(name));

export const crypto = () => load('node:crypto') as typeof import('node:crypto');
export const tls = () => load('node:tls') as typeof import('node:tls');
export const childProcess = () => load('node:child_process') as typeof import('node:child_process');
export const readline = () => load('node:readline') as typeof import('node:readline');
export const v8 = () => load('node:v8') as typeof import('node:v8');
export const zlib = () => load('node:zlib') as typeof import('node:zlib');
