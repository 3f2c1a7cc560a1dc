import { GoFuncError, type GoValue } from '../value.js';
import { def, newMap, type FuncTable } from './kinds.js';

/**
 * Helm's own template functions (pkg/engine): include and tpl call back into the engine, required and fail
 * stop rendering with the chart author's message, lookup asks the cluster (or finds nothing).
 */

/** What the engine lends the functions that need it. */
export interface HelmHooks {
  /** Renders the named template with `data` as dot (the engine counts recursion, as Helm does). */
  include(name: string, data: GoValue): string;
  /** Parses and renders `text` as a template with `data` as dot, seeing the caller's defined templates. */
  tpl(text: string, data: GoValue): string;
  /** A live object or list from the cluster; without it (helm template), every lookup finds an empty map. */
  lookup?(apiVersion: string, kind: string, namespace: string, name: string): GoValue;
  /** helm lint: `required` and `fail` do not stop rendering (they give ""), and `lookup` finds nothing. */
  lintMode?: boolean;
  /** Where lint mode reports what it let through. */
  warn?(message: string): void;
}

/**
 * The error of `required` and `fail`: Helm reports it as `execution error at (file:line:col): <message>`,
 * without text/template's "error calling …" prefix.
 */
export class TemplateFailError extends GoFuncError {
  constructor(readonly helmMessage: string) {
    super(helmMessage);
    this.name = 'TemplateFailError';
  }
}

export function helmEngineFuncs(hooks: HelmHooks): FuncTable {
  return {
    include: def('include', ['string', 'any'], (name: string, data: GoValue) => hooks.include(name, data)),
    tpl: def('tpl', ['string', 'any'], (text: string, data: GoValue) => hooks.tpl(text, data)),
    required: def('required', ['string', 'any'], (warn: string, val: GoValue) => {
      if (val === null || val === '') {
        if (hooks.lintMode) {
          hooks.warn?.(`missing required value: ${warn}`);
          return '';
        }
        throw new TemplateFailError(warn);
      }
      return val;
    }),
    fail: def('fail', ['string'], (msg: string) => {
      if (hooks.lintMode) {
        hooks.warn?.(`fail: ${msg}`);
        return '';
      }
      throw new TemplateFailError(msg);
    }),
    lookup: def('lookup', ['string', 'string', 'string', 'string'], (apiVersion: string, kind: string, namespace: string, name: string) =>
      !hooks.lintMode && hooks.lookup ? hooks.lookup(apiVersion, kind, namespace, name) : newMap(),
    ),
  };
}
