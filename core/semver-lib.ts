/**
 * The parts of the semver package Chartroom uses, loaded on first use. semver builds its forty-odd regular
 * expressions as it loads (0.5 ms), and the package's index also loads every function and range helper, one
 * of which (ranges/subset) parses comparators as it loads (0.7 ms): neither is paid by a command that never
 * compares a version.
 */
import { createRequire } from 'node:module';
import type SemVerClass from 'semver/classes/semver.js';
import type RangeClass from 'semver/classes/range.js';
import type cleanFn from 'semver/functions/clean.js';
import type coerceFn from 'semver/functions/coerce.js';
import type neqFn from 'semver/functions/neq.js';
import type parseFn from 'semver/functions/parse.js';
import type prereleaseFn from 'semver/functions/prerelease.js';
import type rcompareFn from 'semver/functions/rcompare.js';
import type validFn from 'semver/functions/valid.js';

interface Lib {
  Range: typeof RangeClass;
  clean: typeof cleanFn;
  coerce: typeof coerceFn;
  neq: typeof neqFn;
  parse: typeof parseFn;
  prerelease: typeof prereleaseFn;
  rcompare: typeof rcompareFn;
  valid: typeof validFn;
}

let lib: Lib | undefined;
function L(): Lib {
  if (lib) return lib;
  // In the CLI bundle `require` exists and the modules are bundled (each run when first required). The two
  // branches list the same modules because the bundler only sees calls of `require` itself with a literal
  // name; elsewhere (ESM tests, library use) they are resolved from node_modules.
  if (typeof require === 'function') {
    lib = {
      Range: require('semver/classes/range.js') as Lib['Range'],
      clean: require('semver/functions/clean.js') as Lib['clean'],
      coerce: require('semver/functions/coerce.js') as Lib['coerce'],
      neq: require('semver/functions/neq.js') as Lib['neq'],
      parse: require('semver/functions/parse.js') as Lib['parse'],
      prerelease: require('semver/functions/prerelease.js') as Lib['prerelease'],
      rcompare: require('semver/functions/rcompare.js') as Lib['rcompare'],
      valid: require('semver/functions/valid.js') as Lib['valid'],
    };
  } else {
    const req = createRequire(import.meta.url);
    lib = {
      Range: req('semver/classes/range.js') as Lib['Range'],
      clean: req('semver/functions/clean.js') as Lib['clean'],
      coerce: req('semver/functions/coerce.js') as Lib['coerce'],
      neq: req('semver/functions/neq.js') as Lib['neq'],
      parse: req('semver/functions/parse.js') as Lib['parse'],
      prerelease: req('semver/functions/prerelease.js') as Lib['prerelease'],
      rcompare: req('semver/functions/rcompare.js') as Lib['rcompare'],
      valid: req('semver/functions/valid.js') as Lib['valid'],
    };
  }
  return lib;
}

export type SemVer = SemVerClass;
export type Range = RangeClass;

/** `new Range(...)`: an instance of semver's own class (the package checks its arguments with instanceof). */
export const Range = function Range(...args: ConstructorParameters<typeof RangeClass>): RangeClass {
  return new (L().Range)(...args);
} as unknown as typeof RangeClass;

export const clean: typeof cleanFn = (...a) => L().clean(...a);
export const coerce: typeof coerceFn = (...a) => L().coerce(...a);
export const neq: typeof neqFn = (...a) => L().neq(...a);
export const parse = ((...a: Parameters<typeof parseFn>) => L().parse(...a)) as typeof parseFn;
export const prerelease: typeof prereleaseFn = (...a) => L().prerelease(...a);
export const rcompare: typeof rcompareFn = (...a) => L().rcompare(...a);
export const valid: typeof validFn = (...a) => L().valid(...a);
