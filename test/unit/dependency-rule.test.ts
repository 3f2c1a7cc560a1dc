import { afterAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfiesDependency } from '../../core/chart/dependency-rule.js';
import { loadChartDir } from '../../core/chart/loader.js';
import { packChart } from '../../core/chart/packager.js';
import { requirementsDigest, writeLock } from '../../core/lockfile.js';
import { dependencyBuild, dependencyList, dependencyUpdate } from '../../core/actions/dependency.js';
import { packageChart } from '../../core/actions/package.js';
import { templateChart } from '../../core/actions/template.js';
import { lintCharts } from '../../core/actions/lint.js';
import { ChartroomError } from '../../core/errors.js';
import { testContext } from '../support/context.js';
import { writeChart } from '../support/charts.js';

const ctx = testContext();
afterAll(() => ctx.cleanup());

/** range in Chart.yaml, version of the local subchart, whether the subchart satisfies the dependency. */
const CASES: [string | undefined, string, boolean][] = [
  ['^1.0.0', '1.1.0', true],
  ['^1.0.0', '1.1.0-rc.1', false],
  ['^1.1.0-0', '1.1.0-rc.1', true],
  ['>=1.0.0-0', '1.1.0-rc.1', true],
  ['1.1.0-rc.1', '1.1.0-rc.1', true],
  ['~2.0', '1.5.0', false],
  [undefined, '3.0.0-alpha', true],
  ['*', '1.0.0-rc.1', false],
  ['>=1.0.0 <2.0.0', '2.0.0', false],
  ['1.0.0 - 2.0.0', '1.5.0', true],
];

/** A parent with a file:// dependency on `sub` at `version`, charts/ and Chart.lock already in place. */
function setUp(root: string, range: string | undefined, version: string) {
  const sub = writeChart(root, 'sub', {
    'Chart.yaml': `apiVersion: v2\nname: sub\nversion: ${version}\nengine: handlebars\n`,
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\n',
  });
  const parentFiles = {
    'Chart.yaml': `apiVersion: v2\nname: parent\nversion: 1.0.0\nappVersion: "1"\ndescription: d\nicon: https://example.com/i.png\nengine: handlebars\ndependencies:\n  - name: sub\n${range === undefined ? '' : `    version: "${range}"\n`}    repository: file://../sub\n`,
    'values.yaml': '{}\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: parent\n',
  };
  const fresh = writeChart(join(root, 'fresh'), 'parent', parentFiles);
  const parent = writeChart(root, 'parent', parentFiles);
  cpSync(sub, join(root, 'fresh', 'sub'), { recursive: true });
  const packed = packChart(loadChartDir(sub));
  mkdirSync(join(parent, 'charts'));
  writeFileSync(join(parent, 'charts', `sub-${version}.tgz`), packed.archive);
  const deps = loadChartDir(parent).metadata.dependencies ?? [];
  const locked = [{ name: 'sub', version, repository: 'file://../sub', digest: `sha256:${packed.sha256}` }];
  writeLock(parent, { dependencies: locked, digest: requirementsDigest(deps, locked), generated: '2026-01-01T00:00:00Z' });
  return { parent, fresh };
}

const outcome = async (run: () => Promise<unknown> | unknown): Promise<true | string> => {
  try {
    await run();
    return true;
  } catch (e) {
    if (!(e instanceof ChartroomError)) throw e;
    return `${e.code}: ${e.message} (${e.details.hint ?? ''})`;
  }
};

describe('one rule: does this subchart satisfy this dependency’s range', () => {
  it.each(CASES)('range %s with subchart %s: every command agrees (%s)', async (range, version, ok) => {
    expect(satisfiesDependency(version, range)).toBe(ok);
    const root = join(ctx.root, `case-${range ?? 'none'}-${version}`.replace(/[^A-Za-z0-9.-]/g, '_'));
    const { parent, fresh } = setUp(root, range, version);

    const update = await outcome(() => dependencyUpdate(ctx, { chart: fresh }));
    const build = await outcome(() => dependencyBuild(ctx, { chart: parent }));
    const list = dependencyList(ctx, parent)[0].status;
    const pkg = await outcome(() => packageChart(ctx, { path: parent, destination: join(root, 'out') }));
    const template = await outcome(() => templateChart(ctx, { chart: parent }));
    const lint = (await lintCharts(ctx, { paths: [parent] })).charts[0];

    const answers = { update: update === true, build: build === true, list: list === 'ok', package: pkg === true, template: template === true, lint: !lint.failed };
    expect(answers).toEqual({ update: ok, build: ok, list: ok, package: ok, template: ok, lint: ok });
    if (!ok) {
      // Each refusal says why, and none sends the user to `dependency build`, which cannot help.
      for (const why of [update, build, pkg, template, lint.messages.map((m) => m.message).join('\n')]) {
        expect(why).toContain(version);
        expect(why).not.toMatch(/run `?chart dependency build/);
        if (version.includes('-') && satisfiesDependency(version.replace(/-.*/, ''), range)) expect(why).toMatch(/prerelease/);
      }
    }
  });
});
