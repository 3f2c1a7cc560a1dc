/** Where a helper was called: 1-based line and column in the template source. */
export interface CallSite {
  line: number;
  column: number;
}

/** What a helper can see of the call besides its arguments. */
export interface HelperCall {
  hash: Record<string, unknown>;
  name: string;
  site: CallSite;
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
