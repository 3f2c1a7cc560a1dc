/// <reference types="handlebars" />
// Names for the nodes of Handlebars' syntax tree, which its types declare in the global `hbs` namespace.
export type Program = hbs.AST.Program;
export type Statement = hbs.AST.Statement;
export type Expression = hbs.AST.Expression;
export type PathExpression = hbs.AST.PathExpression;
export type SubExpression = hbs.AST.SubExpression;
export type MustacheStatement = hbs.AST.MustacheStatement;
export type BlockStatement = hbs.AST.BlockStatement;
export type Hash = hbs.AST.Hash;
export type SourceLocation = hbs.AST.SourceLocation;
export type StringLiteral = hbs.AST.StringLiteral;
export type ContentStatement = hbs.AST.ContentStatement;

/**
 * Where a node starts: line (1-based) and column (0-based), as Handlebars gives them. Chartroom's own parser
 * (fast-parse.ts) and the render cache give a location packed into one number (see packLoc), which saves two
 * objects per node (a third of a big chart's trees); every reader of a location goes through this.
 */
export function locStart(loc: SourceLocation | number | undefined): { line: number; column: number } | undefined {
  if (loc === undefined || loc === null) return undefined;
  if (typeof loc === 'number') return { line: Math.floor(loc / LOC_LINE), column: loc % LOC_LINE };
  return loc.start;
}

export const LOC_LINE = 2 ** 24;

/** A location as one number for the cache (line × 2^24 + column), or the location as it is when it does not fit. */
export function packLoc(loc: SourceLocation): SourceLocation | number {
  const { line, column } = loc.start;
  return fits(line, column) ? line * LOC_LINE + column : loc;
}

/** The location of a line and column: one number (see packLoc) when it fits, else Handlebars' object. */
export function locAt(line: number, column: number): SourceLocation | number {
  return fits(line, column) ? line * LOC_LINE + column : ({ start: { line, column } } as SourceLocation);
}

function fits(line: number, column: number): boolean {
  return Number.isSafeInteger(line) && line >= 0 && line < 2 ** 29 && Number.isSafeInteger(column) && column >= 0 && column < LOC_LINE;
}
