/**
 * The lexer of Go's text/template (package parse, lex.go), in TypeScript: the same tokens, the same trim
 * markers, the same error texts. It runs on demand (the parser pulls one item at a time, as Go's does) and
 * in time linear in the input: text is found with indexOf, every other scan moves forward only.
 *
 * Offsets are indexes into the JavaScript string (UTF-16 code units), not UTF-8 bytes as in Go.
 */

import { isPrintRune, quoteGo } from '../fmt.js';

export type ItemType =
  | 'error' // error occurred; val is the text of the error
  | 'bool' // boolean constant
  | 'char' // printable ASCII character; grab bag for comma etc.
  | 'charConstant' // character constant
  | 'comment' // comment text
  | 'complex' // complex constant (1+2i); imaginary is just a number
  | 'assign' // equals ('=') introducing an assignment
  | 'declare' // colon-equals (':=') introducing a declaration
  | 'EOF'
  | 'field' // alphanumeric identifier starting with '.'
  | 'identifier' // alphanumeric identifier not starting with '.'
  | 'leftDelim' // left action delimiter
  | 'leftParen' // '(' inside action
  | 'number' // simple number, including imaginary
  | 'pipe' // pipe symbol
  | 'rawString' // raw quoted string (includes quotes)
  | 'rightDelim' // right action delimiter
  | 'rightParen' // ')' inside action
  | 'space' // run of spaces separating arguments
  | 'string' // quoted string (includes quotes)
  | 'text' // plain text
  | 'variable' // variable starting with '$', such as '$' or '$1' or '$hello'
  // Keywords.
  | 'block'
  | 'break'
  | 'continue'
  | 'dot' // the cursor, spelled '.'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Item {
  type: ItemType;
  /** Where the item starts (Go's item.pos). */
  pos: number;
  val: string;
  /**
   * Errors only: where the fault is, when that is a better place to point at than `pos` — the `{{` of an
   * unclosed action or comment, the `(` of an unclosed parenthesis, the bad character.
   */
  at?: number;
}

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['nil', 'nil'],
  ['template', 'template'],
  ['with', 'with'],
]);

/** Go's item.String() puts keyword items (and dot) in angle brackets. */
export function isKeyword(t: ItemType): boolean {
  return t === 'dot' || KEYWORDS.has(t);
}

export interface LexOptions {
  /** Emit `comment` items (Go: lexOptions.emitComment). */
  emitComment: boolean;
  /** `break` is a keyword, not a function name. */
  breakOK: boolean;
  /** `continue` is a keyword, not a function name. */
  continueOK: boolean;
  /** Match the common tokens with FAST_TOKEN (the default); off, every token is scanned rune by rune. */
  fastTokens?: boolean;
}

const EOF = -1;
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const TRIM_MARKER_LEN = 2; // the marker plus the space before or after it

/** Go's isSpace of the lexer: space, tab, carriage return, newline. */
export function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

/** Letters and digits beyond ASCII, compiled on first use (a `\p{…}` RegExp costs every render to create). */
let letterOrDigit: RegExp | undefined;

/** Go's isAlphaNumeric: `_`, unicode.IsLetter, unicode.IsDigit. */
export function isAlphaNumeric(r: number): boolean {
  if (r < 0) return false;
  if (r < 0x80) return r === 0x5f || (r >= 0x30 && r <= 0x39) || ((r | 0x20) >= 0x61 && (r | 0x20) <= 0x7a);
  const c = String.fromCodePoint(r);
  return (letterOrDigit ??= /[\p{L}\p{Nd}]/u).test(c);
}

/** Go's unicode.IsPrint / strconv.IsPrint (one implementation, in fmt.ts). */
const isPrint = isPrintRune;

/** Go's `%#U`: `U+0023 '#'`, or `U+0001` for a character that does not print. */
export function formatRune(r: number): string {
  const hex = r.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(r) ? `U+${hex} '${String.fromCodePoint(r)}'` : `U+${hex}`;
}

/** Go's strconv.Quote (and `%q` of a string); one implementation, in fmt.ts. */
export function goQuote(s: string): string {
  return quoteGo(s);
}

/** Go's item.String(), used in "unexpected %s in %s". */
export function itemString(i: Item): string {
  if (i.type === 'EOF') return 'EOF';
  if (i.type === 'error') return i.val;
  if (isKeyword(i.type)) return `<${i.val}>`;
  if (Buffer.byteLength(i.val, 'utf8') > 10) return goQuote(Array.from(i.val).slice(0, 10).join('')) + '...';
  return goQuote(i.val);
}

/** Whether the lexer is at a right delimiter, and with a trim marker: three shared answers, asked at every token. */
interface RightDelim {
  readonly delim: boolean;
  readonly trim: boolean;
}
const RIGHT_DELIM_TRIMMED: RightDelim = Object.freeze({ delim: true, trim: true });
const RIGHT_DELIM: RightDelim = Object.freeze({ delim: true, trim: false });
const NO_RIGHT_DELIM: RightDelim = Object.freeze({ delim: false, trim: false });

/** What may follow a name (Go's atTerminator) with the default right delimiter. */
const TERMINATOR = String.raw`(?=[ \t\r\n.,|:()]|\}\}|$)`;
/**
 * The tokens that make up most actions, matched by one sticky RegExp (native code) instead of rune by rune:
 * a run of spaces (1), a field or the dot (2; a dot at the very end is Go's number), a variable (3), an ASCII name (4), a quoted string (5), a
 * decimal integer (6). Names must end at a terminator, as Go's lexer requires; anything else (other
 * characters, unicode names, numbers with a dot, sign, base or exponent, errors) is left to the rune-by-rune
 * states, which give the same items. Only with the default `}}` delimiter.
 */
const FAST_TOKEN = new RegExp(
  String.raw`([ \t\r\n]+)|(\.[A-Za-z_][A-Za-z0-9_]*${TERMINATOR}|\.(?=[ \t\r\n.,|:()]|\}\}))|(\$[A-Za-z0-9_]*)${TERMINATOR}|([A-Za-z_][A-Za-z0-9_]*)${TERMINATOR}|("(?:[^"\\\n]|\\[^\n])*")|([0-9]+)(?=[ \t\r\n,|)(]|\}\}|$)`,
  'y',
);

/**
 * The scanner. `nextItem()` returns the next item; after an error item or EOF it keeps returning EOF.
 */
export class Lexer {
  private pos = 0;
  private start = 0;
  private atEOF = false;
  private parenDepth = 0;
  /** Offsets of the open parentheses of the current action, for "unclosed left paren". */
  private parens: number[] = [];
  private insideAction = false;
  /** Offset of the left delimiter of the current action (or comment). */
  private actionStart = 0;
  private finished = false;
  options: LexOptions;

  constructor(
    readonly name: string,
    private input: string,
    readonly leftDelim = '{{',
    readonly rightDelim = '}}',
    options?: Partial<LexOptions>,
  ) {
    if (leftDelim === '') this.leftDelim = '{{';
    if (rightDelim === '') this.rightDelim = '}}';
    this.options = { emitComment: false, breakOK: true, continueOK: true, ...options };
    this.fast = this.rightDelim === '}}' && this.options.fastTokens !== false;
  }

  /** Whether FAST_TOKEN applies (the right delimiter is `}}`, and not switched off). */
  private readonly fast: boolean;

  /** The next item of the input. */
  nextItem(): Item {
    if (this.insideAction && this.fast && !this.finished) {
      // The common tokens inside an action, by FAST_TOKEN, written out here (this runs once per token): not at
      // a right delimiter (`}}`, or a space then `-}}`), a token FAST_TOKEN matches is the item; anything else
      // is left to lexInsideAction's rune-by-rune states.
      const input = this.input;
      const at = this.pos;
      const c = input.charCodeAt(at);
      const atDelim = c === 0x7d ? input.charCodeAt(at + 1) === 0x7d : isSpace(c) && input.charCodeAt(at + 1) === 0x2d && input.startsWith('}}', at + 2);
      if (!atDelim) {
        FAST_TOKEN.lastIndex = at;
        const m = FAST_TOKEN.exec(input);
        if (m !== null) {
          const end = at + m[0].length;
          let type: ItemType | undefined;
          if (m[1] !== undefined) {
            // Spaces before a trim marker (" -}}") are the right delimiter's business.
            if (!input.startsWith('-}}', end)) type = 'space';
          } else if (m[2] !== undefined) type = m[2].length === 1 ? 'dot' : 'field';
          else if (m[3] !== undefined) type = 'variable';
          else if (m[4] !== undefined) {
            const kw = KEYWORDS.get(m[4]);
            if (kw) type = (kw === 'break' && !this.options.breakOK) || (kw === 'continue' && !this.options.continueOK) ? 'identifier' : kw;
            else type = m[4] === 'true' || m[4] === 'false' ? 'bool' : 'identifier';
          } else if (m[5] !== undefined) type = 'string';
          else type = 'number';
          if (type !== undefined) {
            // As thisItem makes it (`start` is `at` here, but the item says so from `start`).
            const item: Item = { type, pos: this.start, val: this.start === at ? m[0] : input.slice(this.start, end) };
            this.pos = end;
            this.start = end;
            return item;
          }
        }
      }
    }
    if (this.finished) return { type: 'EOF', pos: this.pos, val: '' };
    for (;;) {
      const item = this.insideAction ? this.lexInsideAction() : this.lexText();
      if (item) {
        if (item.type === 'error' || item.type === 'EOF') this.finished = true;
        return item;
      }
    }
  }

  // --- runes ---------------------------------------------------------------------------------------------

  private next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos)!;
    this.pos += r > 0xffff ? 2 : 1;
    return r;
  }

  private backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const c = this.input.charCodeAt(this.pos - 1);
      this.pos -= c >= 0xdc00 && c <= 0xdfff && this.pos >= 2 && isHighSurrogate(this.input.charCodeAt(this.pos - 2)) ? 2 : 1;
    }
  }

  private peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  private accept(valid: string): boolean {
    const r = this.next();
    if (r >= 0 && r < 0x80 && valid.includes(String.fromCharCode(r))) return true;
    this.backup();
    return false;
  }

  private acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (!(r >= 0 && r < 0x80 && valid.includes(String.fromCharCode(r)))) break;
    }
    this.backup();
  }

  private thisItem(type: ItemType): Item {
    const item: Item = { type, pos: this.start, val: this.input.slice(this.start, this.pos) };
    this.start = this.pos;
    return item;
  }

  private ignore(): void {
    this.start = this.pos;
  }

  private errorf(message: string, at?: number): Item {
    const item: Item = { type: 'error', pos: this.start, val: message };
    if (at !== undefined) item.at = at;
    return item;
  }

  private startsWith(s: string, at = this.pos): boolean {
    return this.input.startsWith(s, at);
  }

  private hasLeftTrimMarker(at: number): boolean {
    return at + 1 < this.input.length && this.input.charCodeAt(at) === 0x2d && isSpace(this.input.charCodeAt(at + 1));
  }

  private hasRightTrimMarker(at: number): boolean {
    return at + 1 < this.input.length && isSpace(this.input.charCodeAt(at)) && this.input.charCodeAt(at + 1) === 0x2d;
  }

  /** Whether the input is at a right delimiter, possibly preceded by a trim marker. */
  private atRightDelim(): RightDelim {
    if (this.hasRightTrimMarker(this.pos) && this.startsWith(this.rightDelim, this.pos + TRIM_MARKER_LEN)) return RIGHT_DELIM_TRIMMED;
    if (this.startsWith(this.rightDelim)) return RIGHT_DELIM;
    return NO_RIGHT_DELIM;
  }

  /** Length of the run of Go spaces (" \t\r\n") starting at `at`. */
  private leftTrimLength(at: number): number {
    let i = at;
    while (i < this.input.length && isSpace(this.input.charCodeAt(i))) i++;
    return i - at;
  }

  /** Length of the run of Go spaces ending at `end`, not before `from`. */
  private rightTrimLength(from: number, end: number): number {
    let i = end;
    while (i > from && isSpace(this.input.charCodeAt(i - 1))) i--;
    return end - i;
  }

  // --- states --------------------------------------------------------------------------------------------

  /** Scans until an opening action delimiter; null when there is nothing to emit yet. */
  private lexText(): Item | null {
    const x = this.input.indexOf(this.leftDelim, this.pos);
    if (x >= 0) {
      if (x > this.pos) {
        this.pos = x;
        let trimLength = 0;
        if (this.hasLeftTrimMarker(x + this.leftDelim.length)) trimLength = this.rightTrimLength(this.start, this.pos);
        this.pos -= trimLength;
        const item = this.thisItem('text');
        this.pos += trimLength;
        this.ignore();
        if (item.val.length > 0) return item;
      }
      return this.lexLeftDelim();
    }
    this.pos = this.input.length;
    if (this.pos > this.start) return this.thisItem('text');
    return this.thisItem('EOF');
  }

  private lexLeftDelim(): Item | null {
    this.actionStart = this.pos;
    this.pos += this.leftDelim.length;
    const trim = this.hasLeftTrimMarker(this.pos);
    const afterMarker = trim ? TRIM_MARKER_LEN : 0;
    if (this.startsWith(LEFT_COMMENT, this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.ignore();
      return this.lexComment();
    }
    const item = this.thisItem('leftDelim');
    this.insideAction = true;
    this.pos += afterMarker;
    this.ignore();
    this.parenDepth = 0;
    this.parens = [];
    return item;
  }

  private lexComment(): Item | null {
    this.pos += LEFT_COMMENT.length;
    const x = this.input.indexOf(RIGHT_COMMENT, this.pos);
    if (x < 0) return this.errorf('unclosed comment', this.actionStart);
    this.pos = x + RIGHT_COMMENT.length;
    const { delim, trim } = this.atRightDelim();
    if (!delim) return this.errorf('comment ends before closing delimiter', this.pos);
    const item = this.thisItem('comment');
    if (trim) this.pos += TRIM_MARKER_LEN;
    this.pos += this.rightDelim.length;
    if (trim) this.pos += this.leftTrimLength(this.pos);
    this.ignore();
    return this.options.emitComment ? item : null;
  }

  private lexRightDelim(): Item {
    const { trim } = this.atRightDelim();
    if (trim) {
      this.pos += TRIM_MARKER_LEN;
      this.ignore();
    }
    this.pos += this.rightDelim.length;
    const item = this.thisItem('rightDelim');
    if (trim) {
      this.pos += this.leftTrimLength(this.pos);
      this.ignore();
    }
    this.insideAction = false;
    return item;
  }

  /** Scans the elements inside action delimiters. */
  private lexInsideAction(): Item | null {
    const { delim } = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) return this.lexRightDelim();
      return this.errorf('unclosed left paren', this.parens[this.parens.length - 1]);
    }
    const r = this.next();
    if (r === EOF) return this.errorf('unclosed action', this.actionStart);
    if (isSpace(r)) {
      this.backup(); // put the space back in case we have " -}}"
      return this.lexSpace();
    }
    switch (r) {
      case 0x3d: // =
        return this.thisItem('assign');
      case 0x3a: // :
        if (this.next() !== 0x3d) return this.errorf('expected :=', this.start);
        return this.thisItem('declare');
      case 0x7c: // |
        return this.thisItem('pipe');
      case 0x22: // "
        return this.lexQuote();
      case 0x60: // `
        return this.lexRawQuote();
      case 0x24: // $
        return this.lexVariable();
      case 0x27: // '
        return this.lexChar();
      case 0x28: // (
        this.parenDepth++;
        this.parens.push(this.start);
        return this.thisItem('leftParen');
      case 0x29: // )
        this.parenDepth--;
        this.parens.pop();
        if (this.parenDepth < 0) return this.errorf('unexpected right paren', this.start);
        return this.thisItem('rightParen');
    }
    if (r === 0x2e) {
      // '.': a field unless a digit follows, then a number.
      if (this.pos < this.input.length) {
        const c = this.input.charCodeAt(this.pos);
        if (c < 0x30 || c > 0x39) return this.lexFieldOrVariable('field');
      }
      this.backup();
      return this.lexNumber();
    }
    if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
      this.backup();
      return this.lexNumber();
    }
    if (isAlphaNumeric(r)) {
      this.backup();
      return this.lexIdentifier();
    }
    if (r < 0x80 && isPrint(r)) return this.thisItem('char');
    return this.errorf(`unrecognized character in action: ${formatRune(r)}`, this.start);
  }

  /** A run of spaces; the first is known to be present and not consumed. Careful with " -}}". */
  private lexSpace(): Item {
    let numSpaces = 0;
    while (isSpace(this.peek())) {
      this.next();
      numSpaces++;
    }
    if (this.hasRightTrimMarker(this.pos - 1) && this.startsWith(this.rightDelim, this.pos - 1 + TRIM_MARKER_LEN)) {
      this.backup(); // before the space
      if (numSpaces === 1) return this.lexRightDelim();
    }
    return this.thisItem('space');
  }

  private lexIdentifier(): Item {
    let r: number;
    do r = this.next();
    while (isAlphaNumeric(r));
    this.backup();
    const word = this.input.slice(this.start, this.pos);
    if (!this.atTerminator()) return this.errorf(`bad character ${formatRune(r)}`, this.pos);
    const kw = KEYWORDS.get(word);
    if (kw) {
      if ((kw === 'break' && !this.options.breakOK) || (kw === 'continue' && !this.options.continueOK)) return this.thisItem('identifier');
      return this.thisItem(kw);
    }
    if (word === 'true' || word === 'false') return this.thisItem('bool');
    return this.thisItem('identifier');
  }

  private lexVariable(): Item {
    if (this.atTerminator()) return this.thisItem('variable'); // just "$"
    return this.lexFieldOrVariable('variable');
  }

  /** `.Alnum` or `$Alnum`; the `.` or `$` is consumed. */
  private lexFieldOrVariable(type: 'field' | 'variable'): Item {
    if (this.atTerminator()) return this.thisItem(type === 'variable' ? 'variable' : 'dot');
    let r: number;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) {
        this.backup();
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf(`bad character ${formatRune(r)}`, this.pos);
    return this.thisItem(type);
  }

  /** Whether the next character may follow an identifier: this is what splits `.X.Y` and rejects `$x+2`. */
  private atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case EOF:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
    }
    return this.startsWith(this.rightDelim);
  }

  private lexChar(): Item {
    for (;;) {
      let r = this.next();
      if (r === 0x5c) {
        r = this.next();
        if (r !== EOF && r !== 0x0a) continue;
        return this.errorf('unterminated character constant', this.start);
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated character constant', this.start);
      if (r === 0x27) break;
    }
    return this.thisItem('charConstant');
  }

  private lexNumber(): Item {
    if (!this.scanNumber()) return this.errorf(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`, this.start);
    const sign = this.peek();
    if (sign === 0x2b || sign === 0x2d) {
      // Complex: 1+2i. No spaces, must end in 'i'.
      if (!this.scanNumber() || this.input.charCodeAt(this.pos - 1) !== 0x69) {
        return this.errorf(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`, this.start);
      }
      return this.thisItem('complex');
    }
    return this.thisItem('number');
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      // A leading 0 does not mean octal in floats.
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i'); // imaginary
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  private lexQuote(): Item {
    for (;;) {
      let r = this.next();
      if (r === 0x5c) {
        r = this.next();
        if (r !== EOF && r !== 0x0a) continue;
        return this.errorf('unterminated quoted string', this.start);
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated quoted string', this.start);
      if (r === 0x22) break;
    }
    return this.thisItem('string');
  }

  private lexRawQuote(): Item {
    const end = this.input.indexOf('`', this.pos);
    if (end < 0) {
      this.pos = this.input.length;
      return this.errorf('unterminated raw quoted string', this.start);
    }
    this.pos = end + 1;
    return this.thisItem('rawString');
  }
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * All the items of a text, up to and including EOF or the first error — Go's lexer as its own tests see it
 * (comments emitted, `break` and `continue` keywords).
 */
export function lex(name: string, text: string, leftDelim = '{{', rightDelim = '}}', options?: Partial<LexOptions>): Item[] {
  const l = new Lexer(name, text, leftDelim, rightDelim, { emitComment: true, breakOK: true, continueOK: true, ...options });
  const items: Item[] = [];
  for (;;) {
    const item = l.nextItem();
    items.push(item);
    if (item.type === 'EOF' || item.type === 'error') return items;
  }
}
