import type { HelperOptions } from 'handlebars';

/** What a helper can see of the call besides its arguments. */
export interface HelperCall {
  hash: Record<string, unknown>;
  options: HelperOptions & { loc?: { start: { line: number; column: number } }; name?: string };
  /** The running render, for helpers that render other templates. */
  render: RenderHooks;
}

/** Services the engine offers to helpers. */
export interface RenderHooks {
  include(name: string, context: unknown, call: HelperCall): string;
  tpl(text: string, context: unknown, call: HelperCall): string;
  now(): Date;
  strict: boolean;
}

export type Helper = (this: HelperCall, ...args: unknown[]) => unknown;

/** Thrown by `fail` and `required`: the chart author's own message, shown as is. */
export class TemplateFailure extends Error {}
