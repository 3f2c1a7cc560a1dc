/// <reference types="handlebars" />
declare module 'handlebars/dist/cjs/handlebars/compiler/base.js' {
  export function parse(input: string, options?: { ignoreStandalone?: boolean }): hbs.AST.Program;
}
