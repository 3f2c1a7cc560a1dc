import { describe, expect, it } from '@jest/globals';
import { ChartroomError } from '../../core/errors.js';
import { componentProblem, formatReference, parseOciReference, parseOciTarget, parseRegistryHost, redactReference, repositoryIn } from '../../core/oci/reference.js';

const D = `sha256:${'ab'.repeat(32)}`;

function refusal(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ChartroomError);
    return { code: (e as ChartroomError).code, message: (e as ChartroomError).message };
  }
  throw new Error('expected a refusal');
}

describe('oci:// chart references', () => {
  it.each([
    ['oci://registry.example.com/charts/web', { registry: 'registry.example.com', repository: 'charts/web' }],
    ['oci://localhost:5000/web', { registry: 'localhost:5000', repository: 'web' }],
    ['oci://Registry.Example.COM/a/b/c/web', { registry: 'registry.example.com', repository: 'a/b/c/web' }],
    ['oci://127.0.0.1:5000/charts/web:1.2.3', { registry: '127.0.0.1:5000', repository: 'charts/web', tag: '1.2.3' }],
    ['oci://h:443/charts/web:1.2.3_build.1', { registry: 'h:443', repository: 'charts/web', tag: '1.2.3_build.1' }],
    [`oci://h/charts/web@${D}`, { registry: 'h', repository: 'charts/web', digest: D }],
    [`oci://h/charts/web:1.0.0@${D}`, { registry: 'h', repository: 'charts/web', tag: '1.0.0', digest: D }],
    ['oci://[::1]:5000/charts/my_chart__x.y--z', { registry: '[::1]:5000', repository: 'charts/my_chart__x.y--z' }],
  ])('parses %s', (ref, want) => {
    expect(parseOciReference(ref)).toEqual(want);
  });

  it.each([
    ['oci://h/Charts/web', '"Charts" has upper-case letters; OCI repository names are lower case'],
    ['oci://h/charts//web', 'has an empty path component'],
    ['oci://h/charts/web-', '"web-" is not a valid repository name component (lower-case letters and digits, separated by ".", "_", "__" or dashes)'],
    ['oci://h/charts/we___b', '"we___b" is not a valid repository name component (lower-case letters and digits, separated by ".", "_", "__" or dashes)'],
    ['oci://h', 'names a registry but no chart'],
    ['oci://h/', 'names no chart'],
    ['oci://h/web:', '"" is not a valid tag'],
    ['oci://h/web:-x', '"-x" is not a valid tag'],
    ['oci://h/web@sha256:abc', '"sha256:abc" is not a digest (sha256: and 64 lower-case hex digits)'],
    ['oci://h:99999/web', '"99999" is not a valid port'],
    ['oci://bad_host/web', '"bad_host" is not a valid registry host'],
    ['oci:///web', 'has no registry host'],
    ['https://h/web', 'is not an oci:// reference'],
  ])('refuses %s, saying why', (ref, why) => {
    const r = refusal(() => parseOciReference(ref));
    expect(r.code).toBe('OCI_REFERENCE');
    expect(r.message).toBe(`${ref}: ${why}`);
  });

  it('never repeats credentials written into a reference', () => {
    const r = refusal(() => parseOciReference('oci://me:s3cret@h.example.com/charts/web'));
    expect(r.message).toBe('oci://***@h.example.com/charts/web: holds credentials; they do not belong in a reference');
    expect(redactReference('oci://u:p@h/x')).toBe('oci://***@h/x');
    expect(redactReference('oci://h/x@sha256:1')).toBe('oci://h/x@sha256:1');
  });

  it('takes linear time on long hostile input', () => {
    const long = `oci://h/${'a-'.repeat(100_000)}!`;
    const start = process.hrtime.bigint();
    expect(refusal(() => parseOciReference(long)).message).toMatch(/is too long$/);
    for (const c of ['a'.repeat(50_000) + '!', `${'a_'.repeat(25_000)}_`, `${'a-'.repeat(25_000)}-`]) expect(componentProblem(c)).toMatch(/is not a valid repository name component/);
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(500);
  });

  it('reads push targets (no tag: the version is the tag) and login hosts', () => {
    expect(parseOciTarget('oci://h:5000/team/charts/')).toEqual({ registry: 'h:5000', namespace: 'team/charts' });
    expect(parseOciTarget('oci://h')).toEqual({ registry: 'h', namespace: '' });
    expect(repositoryIn({ registry: 'h', namespace: '' }, 'web')).toBe('web');
    expect(repositoryIn({ registry: 'h', namespace: 'a/b' }, 'web')).toBe('a/b/web');
    expect(refusal(() => parseOciTarget('oci://h/charts:1.0.0')).message).toContain('names a tag or digest');
    expect(refusal(() => parseOciTarget(`oci://h/charts@${D}`)).message).toContain('names a tag or digest');
    expect(parseRegistryHost('Registry.Example.com:5000')).toBe('registry.example.com:5000');
    expect(parseRegistryHost('oci://h:5000/whatever')).toBe('h:5000');
    expect(parseRegistryHost('https://h/v2/')).toBe('h');
    expect(refusal(() => parseRegistryHost('h:port')).code).toBe('OCI_REFERENCE');
    expect(formatReference({ registry: 'h:5000', repository: 'a/web', tag: '1.0.0' })).toBe('h:5000/a/web:1.0.0');
    expect(formatReference({ registry: 'h', repository: 'web', digest: D })).toBe(`h/web@${D}`);
  });
});
