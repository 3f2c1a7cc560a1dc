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
