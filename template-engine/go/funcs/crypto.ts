import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { GoFuncError, type GoValue } from '../value.js';
import * as der from './der.js';
import { base64Decode } from './encoding.js';
import { formatValue, utf8 } from './fmt.js';
import { def, isGoList, isGoMap, listItems, mapGet, typed, type FuncTable } from './kinds.js';
import { crypto } from '../../../core/builtin.js';

/** bcryptjs, loaded by the first bcrypt call (it loads Node's crypto as it starts). */
let bcryptLib: typeof import('bcryptjs') | undefined;
function bcryptjs(): typeof import('bcryptjs') {
  // A literal require in the CLI bundle (which carries the library); resolved elsewhere.
  return (bcryptLib ??= (typeof require === 'function' ? require('bcryptjs') : createRequire(import.meta.url)('bcryptjs')) as typeof import('bcryptjs'));
}

/**
 * Sprig's crypto.go: digests, bcrypt/htpasswd, derivePassword (Master Password), AES-CBC, random bytes and
 * UUIDs, private keys in the PEM forms Go writes, and X.509 certificates built the way Go's
 * x509.CreateCertificate builds them (the extensions in its order, serials of 128 random bits).
 */

function hex(alg: string, s: string): string {
  return crypto().createHash(alg).update(utf8(s)).digest('hex');
}

/** hash/adler32. */
function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of utf8(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

/** golang.org/x/crypto/bcrypt at its default cost; Go writes the `$2a$` prefix. */
function bcrypt(s: string): string {
  const bytes = utf8(s);
  if (bytes.length > 72) return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  return bcryptjs().hashSync(s, 10).replace(/^\$2b\$/, '$2a$');
}

const TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: ['CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno', 'CvcvnoCvccCvcv', 'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno', 'CvccnoCvccCvcv', 'CvccCvccnoCvcv', 'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno', 'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno'],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};
const CHARS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};
const SEED = 'com.lyndir.masterpassword';

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** The Master Password algorithm (scrypt N=32768, r=8, p=2), as Sprig implements it. */
function derivePassword(counter: number, type: string, password: string, user: string, site: string): string {
  const templates = TEMPLATES[type];
  if (!templates) return `cannot find password template ${type}`;
  const userB = utf8(user);
  const salt = Buffer.concat([Buffer.from(SEED), u32(userB.length), userB]);
  const key = crypto().scryptSync(utf8(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 256 * 1024 * 1024 });
  const siteB = utf8(site);
  const seed = crypto().createHmac('sha256', key).update(Buffer.concat([Buffer.from(SEED), u32(siteB.length), siteB, u32(counter)])).digest();
  const template = templates[seed[0] % templates.length];
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const chars = CHARS[template[i]];
    out += chars[seed[i + 1] % chars.length];
  }
  return out;
}

function pem(type: string, body: Buffer): string {
  const b64 = body.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}

/** The PEM block Sprig writes for a private key (pemBlockForKey). */
function keyPem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return key.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'ec':
      return key.export({ type: 'sec1', format: 'pem' }) as string;
    case 'dsa': {
      // OpenSSL's traditional DSA form: version, p, q, g, y, x.
      const info = der.children(der.readDer(key.export({ type: 'pkcs8', format: 'der' }) as Buffer));
      const [p, q, g] = der.children(der.children(info[1])[1]).map((n) => BigInt('0x' + n.content.toString('hex')));
      const x = BigInt('0x' + der.readDer(info[2].content).content.toString('hex'));
      let y = 1n;
      for (let base = g % p, e = x; e > 0n; e >>= 1n, base = (base * base) % p) if (e & 1n) y = (y * base) % p;
      return pem('DSA PRIVATE KEY', der.seq(der.integer(0n), der.integer(p), der.integer(q), der.integer(g), der.integer(y), der.integer(x)));
    }
    default:
      return key.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
}

function generateKey(type: string): KeyObject | string {
  switch (type) {
    case '':
    case 'rsa':
      return crypto().generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey;
    case 'dsa':
      return crypto().generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey;
    case 'ecdsa':
      return crypto().generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'ed25519':
      return crypto().generateKeyPairSync('ed25519').privateKey;
    default:
      return 'Unknown type ' + type;
  }
}

/** parsePrivateKeyPEM: the first PEM block, which must hold a private key. */
function parseKeyPem(text: string): KeyObject {
  const m = /-----BEGIN ([^-\n]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new GoFuncError('no PEM data in input');
  const type = m[1];
  if (type !== 'PRIVATE KEY' && !type.endsWith(' PRIVATE KEY')) throw new GoFuncError(`no private key data in PEM block of type ${type}`);
  const kind = type.slice(0, -' PRIVATE KEY'.length);
  if (type !== 'PRIVATE KEY' && !['RSA', 'EC', 'DSA'].includes(kind)) throw new GoFuncError(`invalid private key type ${type}`);
  try {
    return crypto().createPrivateKey(m[0]);
  } catch (e) {
    const what = type === 'PRIVATE KEY' ? 'decoding PEM as PKCS#8' : `parsing ${kind} private key from PEM`;
    throw new GoFuncError(`${what}: ${(e as Error).message}`);
  }
}

/** A sprig certificate: a struct with Cert and Key (PEM text). */
function certificate(cert: string, key: string): GoValue {
  return typed({ Cert: cert, Key: key }, 'sprig.certificate', 'struct');
}

interface CertSpec {
  cn: string;
  ips: GoValue;
  dns: GoValue;
  days: number;
  isCA: boolean;
}

function stringsOf(v: GoValue, what: string): string[] {
  if (v === null || v === undefined) return [];
  if (!isGoList(v)) throw new GoFuncError(`wrong type for value; expected []interface {}; got ${formatValue(v)}`);
  return listItems(v).map((x) => {
    if (typeof x !== 'string') throw new GoFuncError(`${what}: ${formatValue(x)} is not a string`);
    return x;
  });
}

/** node:net takes milliseconds to load; only certificates with IP addresses need it. */
function isIP(s: string): number {
  const net = (typeof require === 'function' ? require('node:net') : createRequire(import.meta.url)('node:net')) as typeof import('node:net');
  return net.isIP(s);
}

/** The 4- or 16-byte form of an IP address (net.ParseIP, then To4 where it is one). */
function ipBytes(s: string): Buffer {
  const v = isIP(s);
  if (v === 4) return Buffer.from(s.split('.').map(Number));
  if (v !== 6) throw new GoFuncError(`error parsing ip: ${s}`);
  const words = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const b = g.split('.').map(Number);
          return [(b[0] << 8) | b[1], (b[2] << 8) | b[3]];
        });
  const [head, tail] = s.includes('::') ? s.split('::') : [s, ''];
  const hw = words(head);
  const tw = words(tail);
  const all = [...hw, ...new Array(8 - hw.length - tw.length).fill(0), ...tw];
  const buf = Buffer.alloc(16);
  all.forEach((w, i) => buf.writeUInt16BE(w, i * 2));
  // An IPv4-mapped address is written as its 4 bytes, as Go's To4 does.
  if (buf.subarray(0, 10).every((b) => b === 0) && buf[10] === 0xff && buf[11] === 0xff) return buf.subarray(12);
  return buf;
}

function signatureAlgorithm(key: KeyObject): { alg: Buffer; hash: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { alg: der.seq(der.oid('1.2.840.113549.1.1.11'), der.nul()), hash: 'sha256' };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'secp384r1') return { alg: der.seq(der.oid('1.2.840.10045.4.3.3')), hash: 'sha384' };
      if (curve === 'secp521r1') return { alg: der.seq(der.oid('1.2.840.10045.4.3.4')), hash: 'sha512' };
      return { alg: der.seq(der.oid('1.2.840.10045.4.3.2')), hash: 'sha256' };
    }
    case 'ed25519':
      return { alg: der.seq(der.oid('1.3.101.112')), hash: null };
    default:
      throw new GoFuncError('error creating certificate: x509: certificate private key does not implement crypto.Signer');
  }
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? der.seq(der.oid(id), der.bool(true), der.octets(value)) : der.seq(der.oid(id), der.octets(value));
}

/** Go's x509 KeyUsage bits as a DER BIT STRING (bit 0 first, trailing zero bits dropped). */
function keyUsage(bits: number): Buffer {
  let b = 0;
  for (let i = 0; i < 8; i++) if (bits & (1 << i)) b |= 0x80 >> i;
  let len = 8;
  while (len > 0 && !(b & (1 << (8 - len)))) len--;
  return der.bitString(Buffer.from([b]), len);
}

interface Signer {
  key: KeyObject;
  subject: Buffer;
  skid?: Buffer;
}

/** x509.CreateCertificate for Sprig's templates. */
function createCertificate(spec: CertSpec, subjectKey: KeyObject, signer: Signer | undefined, nowMs: number): string {
  const ips = stringsOf(spec.ips, 'error parsing ip').map(ipBytes);
  const dns = stringsOf(spec.dns, 'error processing alternate dns name');
  const signingKey = signer?.key ?? subjectKey;
  const { alg, hash } = signatureAlgorithm(signingKey);
  const spki = crypto().createPublicKey(subjectKey).export({ type: 'spki', format: 'der' }) as Buffer;
  const publicKeyBits = der.readDer(der.children(der.readDer(spki))[1].raw).content.subarray(1);
  const subject = der.seq(...(spec.cn ? [der.set(der.seq(der.oid('2.5.4.3'), der.directoryString(spec.cn)))] : []));
  const issuer = signer?.subject ?? subject;
  const serial = BigInt('0x' + crypto().randomBytes(16).toString('hex'));
  const exts: Buffer[] = [];
  // 1 digitalSignature, 4 keyEncipherment, 32 certSign.
  exts.push(extension('2.5.29.15', true, keyUsage(spec.isCA ? 1 | 4 | 32 : 1 | 4)));
  exts.push(extension('2.5.29.37', false, der.seq(der.oid('1.3.6.1.5.5.7.3.1'), der.oid('1.3.6.1.5.5.7.3.2'))));
  exts.push(extension('2.5.29.19', true, spec.isCA ? der.seq(der.bool(true)) : der.seq()));
  if (spec.isCA) exts.push(extension('2.5.29.14', false, der.octets(crypto().createHash('sha256').update(publicKeyBits).digest().subarray(0, 20))));
  if (signer?.skid && !issuer.equals(subject)) exts.push(extension('2.5.29.35', false, der.seq(der.tlv(0x80, signer.skid))));
  if (dns.length || ips.length) {
    const names = [...dns.map((d) => der.tlv(0x82, Buffer.from(d, 'utf8'))), ...ips.map((ip) => der.tlv(0x87, ip))];
    exts.push(extension('2.5.29.17', subject.length <= 2, der.seq(...names)));
  }
  const notAfter = nowMs + spec.days * 86_400_000;
  const tbs = der.seq(der.explicit(0, der.integer(2n)), der.integer(serial), alg, issuer, der.seq(der.time(nowMs), der.time(notAfter)), subject, spki, der.explicit(3, der.seq(...exts)));
  const signature = crypto().sign(hash, tbs, signingKey.asymmetricKeyType === 'ec' ? { key: signingKey, dsaEncoding: 'der' } : signingKey);
  return pem('CERTIFICATE', der.seq(tbs, alg, der.bitString(signature)));
}

/** The CA's subject and subject key id, read from its certificate PEM. */
function signerFrom(ca: GoValue): Signer {
  const fields0 = typeof ca === 'object' && ca !== null ? (ca as Record<string, GoValue>) : {};
  const field = (k: string) => (isGoMap(ca) ? mapGet(ca, k) : Object.prototype.hasOwnProperty.call(fields0, k) ? fields0[k] : undefined);
  const certPem = typeof field('Cert') === 'string' ? (field('Cert') as string) : '';
  const keyPemText = typeof field('Key') === 'string' ? (field('Key') as string) : '';
  const m = /-----BEGIN ([^-\n]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(certPem);
  if (!m) throw new GoFuncError('unable to decode certificate');
  let subject: Buffer;
  let skid: Buffer | undefined;
  try {
    const body = Buffer.from(m[2].replace(/\s+/g, ''), 'base64');
    const tbs = der.children(der.readDer(body))[0];
    const fields = der.children(tbs);
    const offset = fields[0].tag === 0xa0 ? 1 : 0;
    subject = fields[offset + 4].raw;
    const extsField = fields.find((f) => f.tag === 0xa3);
    if (extsField) {
      for (const e of der.children(der.children(extsField)[0])) {
        const parts = der.children(e);
        if (parts[0].content.equals(der.oid('2.5.29.14').subarray(2))) skid = der.readDer(parts[parts.length - 1].content).content;
      }
    }
  } catch (e) {
    throw new GoFuncError(`error parsing certificate: decodedSignerCert.Bytes: ${(e as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = parseKeyPem(keyPemText);
  } catch (e) {
    throw new GoFuncError(`error parsing private key: ${(e as Error).message}`);
  }
  return { key, subject, skid };
}

function withKey(pemText: string): KeyObject {
  try {
    return parseKeyPem(pemText);
  } catch (e) {
    throw new GoFuncError(`parsing private key: ${(e as Error).message}`);
  }
}

/** AES-256-CBC with the password as key (zero-padded or cut to 32 bytes), a random IV in front, base64. */
function encryptAES(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const key = Buffer.alloc(32);
  utf8(password).copy(key);
  const iv = crypto().randomBytes(16);
  const c = crypto().createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, c.update(utf8(plaintext)), c.final()]).toString('base64');
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const key = Buffer.alloc(32);
  utf8(password).copy(key);
  const decoded = base64Decode(crypt64);
  if (decoded.startsWith('illegal base64 data')) throw new GoFuncError(decoded);
  const crypt = Buffer.from(crypt64.replace(/[\r\n]/g, ''), 'base64');
  if (crypt.length < 16) throw new GoFuncError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new GoFuncError('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new GoFuncError('runtime error: index out of range [-1]');
  const d = crypto().createDecipheriv('aes-256-cbc', key, crypt.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(body), d.final()]);
  const cut = plain.length - plain[plain.length - 1];
  if (cut < 0) throw new GoFuncError(`runtime error: slice bounds out of range [:${cut}]`);
  return plain.subarray(0, cut).toString('utf8');
}

export function cryptoFuncs(nowMs: () => number): FuncTable {
  const newCert = (spec: CertSpec, key: KeyObject, signer?: Signer) => certificate(createCertificate(spec, key, signer, nowMs()), keyPem(key));
  const rsa2048 = () => crypto().generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return {
    sha1sum: def('sha1sum', ['string'], (s: string) => hex('sha1', s)),
    sha256sum: def('sha256sum', ['string'], (s: string) => hex('sha256', s)),
    sha512sum: def('sha512sum', ['string'], (s: string) => hex('sha512', s)),
    adler32sum: def('adler32sum', ['string'], (s: string) => String(adler32(s))),
    bcrypt: def('bcrypt', ['string'], bcrypt),
    htpasswd: def('htpasswd', ['string', 'string'], (user: string, pass: string) => (user.includes(':') ? `invalid username: ${user}` : `${user}:${bcrypt(pass)}`)),
    randBytes: def('randBytes', ['int'], (n: number) => {
      if (n < 0) throw new GoFuncError('runtime error: makeslice: len out of range');
      return crypto().randomBytes(n).toString('base64');
    }),
    uuidv4: def('uuidv4', [], () => crypto().randomUUID()),
    derivePassword: def('derivePassword', ['int', 'string', 'string', 'string', 'string'], derivePassword),
    genPrivateKey: def('genPrivateKey', ['string'], (type: string) => {
      const k = generateKey(type);
      return typeof k === 'string' ? k : keyPem(k);
    }),
    buildCustomCert: def('buildCustomCert', ['string', 'string'], (b64cert: string, b64key: string) => {
      const cert = base64Decode(b64cert);
      if (cert.startsWith('illegal base64 data')) throw new GoFuncError('unable to decode base64 certificate');
      const key = base64Decode(b64key);
      if (key.startsWith('illegal base64 data')) throw new GoFuncError('unable to decode base64 private key');
      const m = /-----BEGIN ([^-\n]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(cert);
      if (!m) throw new GoFuncError('unable to decode certificate');
      try {
        der.children(der.readDer(Buffer.from(m[2].replace(/\s+/g, ''), 'base64')));
      } catch (e) {
        throw new GoFuncError(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
      }
      try {
        parseKeyPem(key);
      } catch (e) {
        throw new GoFuncError(`error parsing private key: ${(e as Error).message}`);
      }
      return certificate(cert, key);
    }),
    genCA: def('genCA', ['string', 'int'], (cn: string, days: number) => newCert({ cn, ips: null, dns: null, days, isCA: true }, rsa2048())),
    genCAWithKey: def('genCAWithKey', ['string', 'int', 'string'], (cn: string, days: number, key: string) => newCert({ cn, ips: null, dns: null, days, isCA: true }, withKey(key))),
    genSelfSignedCert: def('genSelfSignedCert', ['string', 'any', 'any', 'int'], (cn: string, ips: GoValue, dns: GoValue, days: number) => newCert({ cn, ips, dns, days, isCA: false }, rsa2048())),
    genSelfSignedCertWithKey: def('genSelfSignedCertWithKey', ['string', 'any', 'any', 'int', 'string'], (cn: string, ips: GoValue, dns: GoValue, days: number, key: string) =>
      newCert({ cn, ips, dns, days, isCA: false }, withKey(key)),
    ),
    genSignedCert: def('genSignedCert', ['string', 'any', 'any', 'int', 'any'], (cn: string, ips: GoValue, dns: GoValue, days: number, ca: GoValue) => {
      const signer = signerFrom(ca);
      return newCert({ cn, ips, dns, days, isCA: false }, rsa2048(), signer);
    }),
    genSignedCertWithKey: def('genSignedCertWithKey', ['string', 'any', 'any', 'int', 'any', 'string'], (cn: string, ips: GoValue, dns: GoValue, days: number, ca: GoValue, key: string) => {
      const signer = signerFrom(ca);
      return newCert({ cn, ips, dns, days, isCA: false }, withKey(key), signer);
    }),
    encryptAES: def('encryptAES', ['string', 'string'], encryptAES),
    decryptAES: def('decryptAES', ['string', 'string'], decryptAES),
  };
}
