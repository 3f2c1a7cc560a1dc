import { GoFuncError, type GoValue } from '../value.js';
import { goKindName, def, mapSet, newMap, type FuncTable, type GoMap } from './kinds.js';

/** Sprig's urlParse and urlJoin over Go's net/url rules (parse into parts, escape on the way back). */

type Mode = 'path' | 'host' | 'userinfo' | 'fragment';

function shouldEscape(c: string, mode: Mode): boolean {
  if (/^[A-Za-z0-9]$/.test(c)) return false;
  if (mode === 'host') return !/^[!$&'()*+,;=:[\]<>"\-._~]$/.test(c);
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'userinfo') return c === '@' || c === '/' || c === '?' || c === ':';
    return false;
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, mode) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function unescape(s: string): string {
  if (!/%/.test(s)) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new GoFuncError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      bytes.push(parseInt(h, 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go's url.Parse, reduced to the parts urlParse reports. */
function parseUrl(raw: string): GoMap {
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = unescape(rest.slice(hash + 1));
    rest = rest.slice(0, hash);
  }
  let scheme = '';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (/^[0-9+.-]*:/.test(rest) && rest.indexOf(':') < (rest.indexOf('/') < 0 ? Infinity : rest.indexOf('/'))) {
    if (rest.startsWith(':')) throw new GoFuncError(`parse ${JSON.stringify(raw)}: missing protocol scheme`);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let opaque = '';
  let host = '';
  let userinfo = '';
  let path = '';
  if (!rest.startsWith('/') && scheme !== '') {
    opaque = rest;
  } else {
    if (!scheme && rest.indexOf(':') >= 0 && (rest.indexOf('/') < 0 || rest.indexOf(':') < rest.indexOf('/'))) {
      throw new GoFuncError(`parse ${JSON.stringify(raw)}: first path segment in URL cannot contain colon`);
    }
    if (rest.startsWith('//') && !rest.startsWith('///')) {
      const auth = rest.slice(2).split('/')[0];
      rest = rest.slice(2 + auth.length);
      const at = auth.lastIndexOf('@');
      if (at >= 0) {
        const ui = auth.slice(0, at);
        const colon = ui.indexOf(':');
        const user = unescape(colon >= 0 ? ui.slice(0, colon) : ui);
        userinfo = escape(user, 'userinfo') + (colon >= 0 ? ':' + escape(unescape(ui.slice(colon + 1)), 'userinfo') : '');
      }
      host = unescape(auth.slice(at + 1));
    }
    path = unescape(rest);
  }
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']') < 0 ? undefined : host.indexOf(']')) : host.replace(/:\d*$/, '');
  const out = newMap();
  for (const [k, v] of Object.entries({ scheme, host, hostname, path, query, opaque, fragment, userinfo })) mapSet(out, k, v);
  return out;
}

function field(d: GoMap | null, key: string): string {
  if (!d || !Object.prototype.hasOwnProperty.call(d, key)) return '';
  const v: GoValue = d[key];
  if (typeof v !== 'string') throw new GoFuncError(`unable to parse ${key} key, must be of type string, but ${v === null || v === undefined ? 'invalid' : goKindName(v)} found`);
  return v;
}

/** url.URL.String() of the parts. */
function joinUrl(d: GoMap | null): string {
  const scheme = field(d, 'scheme');
  const host = field(d, 'host');
  const path = field(d, 'path');
  const query = field(d, 'query');
  const opaque = field(d, 'opaque');
  const fragment = field(d, 'fragment');
  const userinfo = field(d, 'userinfo');
  let out = '';
  if (scheme) out += scheme + ':';
  if (opaque) out += opaque;
  else {
    const hasUser = userinfo !== '';
    if (scheme || host || hasUser) {
      if (host || path || hasUser) out += '//';
      if (hasUser) {
        // Sprig reads the userinfo through url.Parse("proto://<userinfo>@host"), then writes it escaped.
        if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) {
          throw new GoFuncError(`unable to parse userinfo in dict: parse ${JSON.stringify(`proto://${userinfo}@host`)}: net/url: invalid userinfo`);
        }
        const colon = userinfo.indexOf(':');
        const user = unescape(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
        out += escape(user, 'userinfo') + (colon >= 0 ? ':' + escape(unescape(userinfo.slice(colon + 1)), 'userinfo') : '') + '@';
      }
      if (host) out += escape(host, 'host');
    }
    const p = escape(path, 'path');
    if (p && p[0] !== '/' && host) out += '/';
    if (out === '' && p.split('/')[0].includes(':')) out += './';
    out += p;
  }
  if (query) out += '?' + query;
  if (fragment) out += '#' + escape(fragment, 'fragment');
  return out;
}

export const urlFuncs: FuncTable = {
  urlParse: def('urlParse', ['string'], (s: string) => {
    try {
      return parseUrl(s);
    } catch (e) {
      throw new GoFuncError(`unable to parse url: ${(e as Error).message}`);
    }
  }),
  urlJoin: def('urlJoin', ['map'], joinUrl),
};
