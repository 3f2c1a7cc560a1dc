/**
 * A YAML emitter that writes what go-yaml v2's libyaml port writes for block-style documents: the same
 * scalar analysis and style choice (plain, 'single', "double", | literal), the same folding of long scalars at
 * 80 columns, indentless sequences under mapping keys, `{}`/`[]` for empty collections, `? ` for keys that
 * cannot be simple. Its input is a tree of already-decided scalars (the encoder decides text and wanted style).
 */

export type ScalarStyle = 'plain' | 'double' | 'literal';

export type YNode =
  | { t: 'scalar'; value: string; style: ScalarStyle }
  | { t: 'seq'; items: YNode[] }
  | { t: 'map'; pairs: [YNode, YNode][] };

export interface EmitterOptions {
  /** Columns after which scalars fold at a space (go-yaml: 80; negative: never). */
  width?: number;
  /** Spaces per level (go-yaml v2: 2). */
  indent?: number;
  /** Sequences under a mapping key start at the key's column (go-yaml v2), or one level in (go-yaml v3). */
  indentlessSequences?: boolean;
}

function isPrintable(c: number): boolean {
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}
const isBreak = (c: number) => c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlank = (c: number) => c === 0x20 || c === 0x09;
const isBlankZ = (c: number) => isBlank(c) || isBreak(c) || c === 0;

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function analyze(chars: number[]): Analysis {
  if (chars.length === 0) return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (chars.length >= 3 && ((chars[0] === 0x2d && chars[1] === 0x2d && chars[2] === 0x2d) || (chars[0] === 0x2e && chars[1] === 0x2e && chars[2] === 0x2e))) {
    blockInd = true;
    flowInd = true;
  }
  let precededByWs = true;
  const n = chars.length;
  for (let i = 0; i < n; i++) {
    const c = chars[i];
    const followedByWs = i + 1 >= n || isBlank(chars[i + 1]);
    if (i === 0) {
      switch (c) {
        case 0x23: // #
        case 0x2c: // ,
        case 0x5b: // [
        case 0x5d: // ]
        case 0x7b: // {
        case 0x7d: // }
        case 0x26: // &
        case 0x2a: // *
        case 0x21: // !
        case 0x7c: // |
        case 0x3e: // >
        case 0x27: // '
        case 0x22: // "
        case 0x25: // %
        case 0x40: // @
        case 0x60: // `
          flowInd = true;
          blockInd = true;
          break;
        case 0x3f: // ?
        case 0x3a: // :
          flowInd = true;
          if (followedByWs) blockInd = true;
          break;
        case 0x2d: // -
          if (followedByWs) {
            flowInd = true;
            blockInd = true;
          }
          break;
      }
    } else {
      switch (c) {
        case 0x2c:
        case 0x3f:
        case 0x5b:
        case 0x5d:
        case 0x7b:
        case 0x7d:
          flowInd = true;
          break;
        case 0x3a:
          flowInd = true;
          if (followedByWs) blockInd = true;
          break;
        case 0x23:
          if (precededByWs) {
            flowInd = true;
            blockInd = true;
          }
          break;
      }
    }
    if (!isPrintable(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === n - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankZ(c);
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (trailingSpace) a.block = false;
  if (breakSpace) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || special) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
    a.block = false;
  }
  if (lineBreaks) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

const ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

interface ScalarInfo {
  chars: number[];
  analysis: Analysis;
  bytes: number;
}

const infoCache = new WeakMap<YNode, ScalarInfo>();

/** The code points of a scalar and their analysis, computed once per node. */
function scalarInfo(n: YNode & { t: 'scalar' }): ScalarInfo {
  let info = infoCache.get(n);
  if (!info) {
    const chars: number[] = [];
    let bytes = 0;
    for (let i = 0; i < n.value.length; i++) {
      const c = n.value.codePointAt(i)!;
      if (c > 0xffff) i++;
      chars.push(c);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    info = { chars, analysis: analyze(chars), bytes };
    infoCache.set(n, info);
  }
  return info;
}

class Emitter {
  out = '';
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  flowLevel = 0;
  // Context of the node being emitted.
  sequenceCtx = false;
  mappingCtx = false;
  simpleKeyCtx = false;

  constructor(
    readonly bestWidth: number,
    readonly bestIndent: number,
    readonly indentless: boolean,
  ) {}

  put(s: string): void {
    this.out += s;
    this.column++;
  }
  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.out += String.fromCodePoint(c);
      this.column = 0;
    }
  }
  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }
  writeIndicator(ind: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) this.put(' ');
    for (const ch of ind) this.put(ch);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
  }
  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? this.bestIndent : 0;
    else if (!indentless) this.indent += this.bestIndent;
  }
  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  node(n: YNode, ctx: { sequence?: boolean; mapping?: boolean; simpleKey?: boolean }): void {
    this.sequenceCtx = !!ctx.sequence;
    this.mappingCtx = !!ctx.mapping;
    this.simpleKeyCtx = !!ctx.simpleKey;
    if (n.t === 'scalar') this.scalar(scalarInfo(n), n.style);
    else if (n.t === 'seq') this.sequence(n.items);
    else this.mapping(n.pairs);
  }

  sequence(items: YNode[]): void {
    if (this.flowLevel > 0 || items.length === 0) {
      this.writeIndicator('[', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator(']', false, false, false);
      return;
    }
    this.increaseIndent(false, this.indentless && this.mappingCtx && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { sequence: true });
    }
    this.popIndent();
  }

  mapping(pairs: [YNode, YNode][]): void {
    if (this.flowLevel > 0 || pairs.length === 0) {
      this.writeIndicator('{', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator('}', false, false, false);
      return;
    }
    this.increaseIndent(false, false);
    for (const [k, v] of pairs) {
      this.writeIndent();
      if (this.simpleKey(k)) {
        this.node(k, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(k, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(v, { mapping: true });
    }
    this.popIndent();
  }

  simpleKey(k: YNode): boolean {
    if (k.t === 'seq') return k.items.length === 0;
    if (k.t === 'map') return k.pairs.length === 0;
    const info = scalarInfo(k);
    if (info.analysis.multiline) return false;
    return info.bytes <= 128;
  }

  scalar(info: ScalarInfo, wanted: ScalarStyle): void {
    const { chars, analysis: a } = info;
    let style: ScalarStyle | 'single' = wanted;
    if (this.simpleKeyCtx && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = 'single';
      if (chars.length === 0 && (this.flowLevel > 0 || this.simpleKeyCtx)) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || this.flowLevel > 0 || this.simpleKeyCtx)) style = 'double';
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyCtx;
    if (style === 'plain') this.plain(chars, allowBreaks);
    else if (style === 'single') this.single(chars, allowBreaks);
    else if (style === 'double') this.double(chars, allowBreaks);
    else this.literal(chars);
    this.popIndent();
  }

  plain(chars: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && chars[i + 1] !== 0x20) this.writeIndent();
        else this.put(' ');
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  single(chars: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    const n = chars.length;
    for (let i = 0; i < n; i++) {
      const c = chars[i];
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < n - 1 && chars[i + 1] !== 0x20) this.writeIndent();
        else this.put(' ');
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  double(chars: number[], allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    const n = chars.length;
    const bom = chars[0] === 0xfeff;
    for (let i = 0; i < n; i++) {
      const c = chars[i];
      if (!isPrintable(c) || bom || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put('\\');
        const e = ESCAPES[c];
        if (e !== undefined) this.put(e);
        else {
          const [letter, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(letter);
          for (const d of c.toString(16).toUpperCase().padStart(width, '0')) this.put(d);
        }
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < n - 1) {
          this.writeIndent();
          if (chars[i + 1] === 0x20) this.put('\\');
        } else this.put(' ');
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  literal(chars: number[]): void {
    this.writeIndicator('|', true, false, false);
    // Block scalar hints: an indentation digit when the text starts with a space or break; chomping.
    if (chars.length > 0 && (chars[0] === 0x20 || isBreak(chars[0]))) this.writeIndicator(String(this.bestIndent), false, false, false);
    let chomp = '';
    const n = chars.length;
    if (n === 0) chomp = '-';
    else if (!isBreak(chars[n - 1])) chomp = '-';
    else if (n === 1) chomp = '+';
    else if (isBreak(chars[n - 2])) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(c));
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** One YAML document for a node tree, ending with a newline. */
export function emitYaml(root: YNode, opts: EmitterOptions = {}): string {
  const width = opts.width ?? 80;
  const e = new Emitter(width < 0 ? 2 ** 31 - 1 : width, opts.indent ?? 2, opts.indentlessSequences ?? true);
  e.node(root, {});
  // Document end: finish the last line.
  e.writeIndent();
  return e.out;
}
