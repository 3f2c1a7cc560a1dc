import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { chartCli } from './support/cli.js';

const cases: { name: string; args: string[] }[] = JSON.parse(readFileSync('test/golden/cases.json', 'utf8'));

describe('rendered example charts match their golden files (regenerate with npm run golden)', () => {
  it.each(cases.map((c) => [c.name, c.args]))('%s', async (name, args) => {
    const result = await chartCli(args as string[]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(`test/golden/${name}.golden.yaml`, 'utf8'));
  });
});
