import { createRequire } from 'node:module';

type OpenPgp = typeof import('openpgp');
let lib: OpenPgp | undefined;

/**
 * OpenPGP.js, loaded on first use (only signing and verifying need it), as its CommonJS build: the ESM build
 * calls createRequire(import.meta.url), which the CLI's CommonJS bundle has no value for. In the bundle
 * `require` exists and the library is bundled; elsewhere (ESM tests, library use) it is resolved.
 */
export function pgp(): OpenPgp {
  return (lib ??= (typeof require === 'function' ? require('openpgp') : createRequire(import.meta.url)('openpgp')) as OpenPgp);
}
