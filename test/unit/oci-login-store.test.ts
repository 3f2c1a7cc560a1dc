import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentialOfEntry, hostOfKey, RegistryCredentialStore } from '../../core/oci/login-store.js';
import { ChartroomError } from '../../core/errors.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir('chartroom-oci-creds-');
afterAll(() => tmp.cleanup());
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe("Chartroom's registry credentials file", () => {
  it("writes Docker's format atomically with mode 0600, keeps other entries and fields, and removes one host", async () => {
    const dir = join(tmp.dir, 'own');
    const file = join(dir, 'registry', 'config.json');
    mkdirSync(join(dir, 'registry'), { recursive: true });
    writeFileSync(file, JSON.stringify({ auths: { 'https://other.example.com/v1/': { auth: b64('o:p') } }, credsStore: 'keep-me' }));
    const store = new RegistryCredentialStore({ file });
    store.save('h.example.com:5000', 'ci', 'pa:ss:word');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'registry'))).toEqual(['config.json']);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toEqual({ auths: { 'https://other.example.com/v1/': { auth: b64('o:p') }, 'h.example.com:5000': { auth: b64('ci:pa:ss:word') } }, credsStore: 'keep-me' });
    expect(readFileSync(file, 'utf8')).not.toContain('pa:ss:word');
    expect(await store.find('h.example.com:5000')).toEqual({ credential: { username: 'ci', password: 'pa:ss:word' }, source: file });
    expect(await store.find('other.example.com')).toEqual({ credential: { username: 'o', password: 'p' }, source: file });
    store.save('h.example.com:5000', 'ci2', 'new');
    expect(JSON.parse(readFileSync(file, 'utf8')).auths['h.example.com:5000']).toEqual({ auth: b64('ci2:new') });
    expect(store.remove('h.example.com:5000')).toBe(true);
    expect(store.remove('h.example.com:5000')).toBe(false);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).auths)).toEqual(['https://other.example.com/v1/']);
  });

  it('has nothing for a host when neither file exists, and names a broken file', async () => {
    const store = new RegistryCredentialStore({ file: join(tmp.dir, 'none', 'config.json'), dockerConfigFile: join(tmp.dir, 'none', 'docker.json') });
    expect(await store.find('h')).toBeUndefined();
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, '{"auths": ');
    const broken = new RegistryCredentialStore({ file: bad });
    await expect(broken.find('h')).rejects.toBeInstanceOf(ChartroomError);
    await expect(broken.find('h')).rejects.toThrow(`registry credentials ${bad} is not valid JSON`);
  });
});

describe("Docker's config.json", () => {
  it('reads every form of auths entry, under every form of key, after our own file', async () => {
    const docker = join(tmp.dir, 'docker.json');
    writeFileSync(
      docker,
      JSON.stringify({
        auths: {
          'https://a.example.com/v1/': { auth: b64('alice:pw-a') },
          'http://b.example.com:5000': { username: 'bob', password: 'pw-b' },
          'c.example.com': { identitytoken: 'refresh-c' },
          'd.example.com': { registrytoken: 'token-d' },
          'https://index.docker.io/v1/': { auth: b64('hubuser:pw-hub') },
          'e.example.com': {},
        },
      }),
    );
    const own = join(tmp.dir, 'own2', 'config.json');
    const store = new RegistryCredentialStore({ file: own, dockerConfigFile: docker });
    expect((await store.find('a.example.com'))?.credential).toEqual({ username: 'alice', password: 'pw-a' });
    expect(await store.find('b.example.com:5000')).toEqual({ credential: { username: 'bob', password: 'pw-b' }, source: docker });
    expect((await store.find('c.example.com'))?.credential).toEqual({ identityToken: 'refresh-c' });
    expect((await store.find('d.example.com'))?.credential).toEqual({ registryToken: 'token-d' });
    expect((await store.find('registry-1.docker.io'))?.credential).toEqual({ username: 'hubuser', password: 'pw-hub' });
    expect(await store.find('e.example.com')).toBeUndefined();
    expect(await store.find('b.example.com')).toBeUndefined();
    store.save('a.example.com', 'mine', 'own-pw');
    expect(await store.find('a.example.com')).toEqual({ credential: { username: 'mine', password: 'own-pw' }, source: own });
  });

  it('refuses a helper name that could be a path', async () => {
    const docker = join(tmp.dir, 'docker-helper.json');
    writeFileSync(docker, JSON.stringify({ credHelpers: { 'h.example.com': '../../bin/sh' } }));
    const store = new RegistryCredentialStore({ file: join(tmp.dir, 'own3', 'config.json'), dockerConfigFile: docker });
    await expect(store.find('h.example.com')).rejects.toThrow('credential helper "../../bin/sh", which is not a valid helper name');
  });

  it('normalises keys and decodes entries', () => {
    expect(hostOfKey('https://Registry.Example.com:5000/v2/')).toBe('registry.example.com:5000');
    expect(hostOfKey('h')).toBe('h');
    expect(credentialOfEntry({ auth: b64('user:') })).toEqual({ username: 'user', password: '' });
    expect(credentialOfEntry({ auth: b64('no-colon') })).toBeUndefined();
    expect(credentialOfEntry({ auth: b64(':') })).toBeUndefined();
  });
});
