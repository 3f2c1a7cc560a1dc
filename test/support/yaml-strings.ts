import { createHash } from 'node:crypto';

/**
 * Strings of every kind a YAML writer must get right (plain, quoted, look-alikes of numbers, dates and
 * booleans, quantities, control characters): the direct writers (core/yaml-dump.ts) must write each exactly as
 * js-yaml does.
 */
export const YAML_STRINGS = [
  'plain', 'two words', 'https://charts.example.com/a-1.0.0.tgz', 'a:b', 'a: b', 'a #b', 'a#b', '#x', '-x', '- x', '?x', ':x',
  'x:', 'trailing ', ' leading', '', ' ', 'yes', 'No', 'on', 'OFF', 'y', 'true', 'False', 'null', '~', 'NULL', '1.0', '1e5', '0x1F',
  '0777', '.inf', '.nan', '2024-01-01', '2024-01-01T00:00:00Z', '1:20', 'it\'s', 'say "hi"', 'back\\slash', 'tab\there',
  'line\nbreak', 'ends with newline\n', 'é unicode', 'emoji 🚀', '@scope', '`tick', '{a}', '[a]', 'a, b', '*ref', '&anchor', '!tag',
  '%percent', '|pipe', '>gt', 'a|b', 'a > b', 'a=b', 'x'.repeat(200), 'a  b', 'a\u00a0b', '<<', '=', 'v1.2.3', '123', '-1', '+1', '0o17',
  '12e45', '1_000', '1.2.3', '1.2.3-rc.1', '1.2.3+build.5', '1.2.3-', '1.2.3-a+b', '10.20.30-alpha-1', '2024.01.01', '1.2',
  ...Array.from({ length: 30 }, (_, i) => createHash('sha256').update(String(i)).digest('hex')), '0e12345', '00000000000000000000000000000000000000000000000000000000000000a1',
  '0b1010', '0xdead', 'deadbeef', '0123abc', '1e10', '1234567890abcdef', '0b1c', 'e5', '1.2.3 x', '1.2.3:4', 'k8s.io/name', 'a/b:c', 'foo:bar:baz', 'ctrl\u0007', 'nel\u0085x', 'ls\u2028x', 'bom\ufeff',
  '100m', '128Mi', '10Gi', '2Gi', '500Mi', '1Ti', '80', '8080', '0', '007', '1g', '1G', '5s', '10ms', '1h30m', '1y', '1n', '3d', '1f', '1T',
  '1t', '1z', '1Z', '2x', '1o', '1_0m', '1.5Gi', '1-2m', '1.2.3.4m', '1e3m', '0x1Fg', '12:30m', '1 m', '1m ', '1m#', '1m:', '9.9.9g', '1__m', '1.m', '1-m',
  '/', '/healthz', '/api/v1', '/a b', '/a  b', '/#', '/a #b', '/:x', '/a:b', '/a: b', '//', '/-', '/~', '/ ', '/.well-known', '/@x', '/a,b', '/[a]', '/{a}', '/*',
];
