import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { chartYaml, writeChart } from '../support/charts.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';
import { readChartArchive } from '../../core/chart/archive.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('chart lint', () => {
  it('passes the example charts', async () => {
    const r = await chartCli(['lint', 'charts/webapp', 'charts/shop', '--strict']);
    expect(r.stdout).toContain('2 chart(s) linted, 0 chart(s) failed');
    expect(r.code).toBe(0);
  });

  it('finds Kubernetes problems in rendered objects and names the template', async () => {
    const dir = writeChart(tmp.dir, 'broken', {
      'Chart.yaml': chartYaml('broken', 'description: d\nappVersion: "1"\nicon: https://example.com/i.png\n'),
      'values.yaml': 'version: 1.0\n',
      'templates/a.yaml': [
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Name\n  labels:\n    version: {{Values.version}}\n    "bad key!": x\n',
        '---\nkind: ConfigMap\nmetadata:\n  name: ' + 'x'.repeat(70) + '\n',
        '---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: old\n',
        '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: noselector\nspec:\n  template: {metadata: {labels: {app: x}}}\n',
        '---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: mismatch\nspec:\n  selector: {matchLabels: {app: z}}\n  template: {metadata: {labels: {app: x}}}\n',
      ].join(''),
    });
    const r = await chartCli(['lint', dir, '-o', 'json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    const msgs: { severity: string; message: string; file: string }[] = result.charts[0].messages;
    const errors = msgs.filter((m) => m.severity === 'error').map((m) => m.message);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Service Bad_Name.*metadata.name "Bad_Name" is not a valid DNS-1123 label/),
        expect.stringMatching(/label "version" has a number value; label values must be strings/),
        expect.stringMatching(/label key "bad key!" is invalid/),
        expect.stringMatching(/apiVersion is missing/),
        expect.stringMatching(/Deployment noselector.*needs spec.selector with matchLabels or matchExpressions/),
        expect.stringMatching(/StatefulSet mismatch.*matchLabels app=z not in spec.template.metadata.labels/),
      ]),
    );
    const warnings = msgs.filter((m) => m.severity === 'warning').map((m) => m.message);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/names over 63/), expect.stringMatching(/extensions\/v1beta1 has been removed/)]));
    expect(msgs.every((m) => m.severity === 'info' || m.file.endsWith('broken/templates/a.yaml'))).toBe(true);
  });

  it('turns warnings into failures with --strict', async () => {
    const dir = writeChart(tmp.dir, 'warns', { 'Chart.yaml': chartYaml('warns', 'unknownField: 1\n'), 'templates/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    expect((await chartCli(['lint', dir])).code).toBe(0);
    const strict = await chartCli(['lint', dir, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/\[WARNING\] .*warns\/Chart.yaml:5: unknown field "unknownField"/);
  });

  it('reports a folder whose name is not the chart name, and missing dependencies', async () => {
    const dir = writeChart(tmp.dir, 'folder', { 'Chart.yaml': chartYaml('other', 'dependencies:\n  - name: db\n    version: 1.x\n') });
    const r = await chartCli(['lint', dir]);
    expect(r.code).toBe(1);
    // helm 4 passes a name that differs from the folder's: a warning (which --strict makes fail).
    expect(r.stdout).toMatch(/\[WARNING\] .*Chart.yaml:2: chart name "other" does not match its folder name "folder"/);
    expect(r.stdout).toMatch(/\[ERROR\] .*Chart.yaml:6: dependency db is declared in Chart.yaml but missing from charts\//);
  });

  it('reports template errors with their position', async () => {
    const dir = writeChart(tmp.dir, 'tplerr', { 'Chart.yaml': chartYaml('tplerr'), 'templates/a.yaml': 'a: {{required "set a" Values.a}}\n' });
    const r = await chartCli(['lint', dir]);
    expect(r.stdout).toMatch(/\[ERROR\] .*tplerr\/templates\/a.yaml:1:4: set a/);
  });
});

describe('chart package', () => {
  let dir: string;
  beforeAll(() => {
    dir = writeChart(tmp.dir, 'pkg', {
      'Chart.yaml': chartYaml('pkg', 'appVersion: "1.0"\n'),
      'values.yaml': 'a: 1\n',
      '.helmignore': '*.bak\nsecret/\n',
      'templates/a.yaml': 'a: {{Values.a}}\n',
      'templates/.hidden.yaml': 'never packaged\n',
      'notes.bak': 'ignored',
      'secret/key': 'ignored',
      'README.md': '# pkg\n',
    });
  });

  it('honours .helmignore and writes name-version.tgz', async () => {
    const out = join(tmp.dir, 'out1');
    const r = await chartCli(['package', dir, '-d', out, '-o', 'json']);
    expect(r.code).toBe(0);
    const [info] = JSON.parse(r.stdout);
    expect(info.file).toBe(join(out, 'pkg-0.1.0.tgz'));
    expect(info.sha256).toBe(sha(info.file));
    const names = readChartArchive(readFileSync(info.file), 'x').files.map((f) => f.name);
    expect(names).toEqual(['Chart.yaml', 'values.yaml', '.helmignore', 'README.md', 'templates/a.yaml']);
  });

  it('is byte-identical for identical input, and honours SOURCE_DATE_EPOCH', async () => {
    const a = join(tmp.dir, 'a');
    const b = join(tmp.dir, 'b');
    await chartCli(['package', dir, '-d', a]);
    const second = Math.floor(Date.now() / 1000); // tar mtimes have whole-second resolution: package again in a later second
    await waitFor(() => Math.floor(Date.now() / 1000) > second, { timeoutMs: 5_000, intervalMs: 20, what: 'the clock to reach the next second' });
    await chartCli(['package', dir, '-d', b]);
    expect(sha(join(a, 'pkg-0.1.0.tgz'))).toBe(sha(join(b, 'pkg-0.1.0.tgz')));
    const c = join(tmp.dir, 'c');
    await chartCli(['package', dir, '-d', c], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    expect(sha(join(c, 'pkg-0.1.0.tgz'))).not.toBe(sha(join(a, 'pkg-0.1.0.tgz')));
    const listing = await helm(['show', 'chart', join(c, 'pkg-0.1.0.tgz')]);
    expect(listing.stdout).toContain('name: pkg');
  });

  it('sets version and appVersion, keeping Chart.yaml comments', async () => {
    writeFileSync(join(dir, 'Chart.yaml'), '# keep me\n' + chartYaml('pkg', 'appVersion: "1.0"\n'));
    const out = join(tmp.dir, 'out2');
    const r = await chartCli(['package', dir, '-d', out, '--version', '2.0.0-rc.1', '--app-version', '9.9']);
    expect(r.code).toBe(0);
    const chartFile = readChartArchive(readFileSync(join(out, 'pkg-2.0.0-rc.1.tgz')), 'x').files.find((f) => f.name === 'Chart.yaml')!.data.toString();
    expect(chartFile).toContain('# keep me');
    expect(chartFile).toContain('version: 2.0.0-rc.1');
    expect(chartFile).toMatch(/appVersion: "?9.9"?/);
  });

  it('refuses a chart whose dependencies are missing from charts/, writing nothing', async () => {
    const d = writeChart(tmp.dir, 'needsdeps', { 'Chart.yaml': chartYaml('needsdeps', 'dependencies:\n  - name: redis\n    version: ^17.0.0\n    repository: https://charts.example.com\n') });
    const out = join(tmp.dir, 'out3');
    const r = await chartCli(['package', d, '-d', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dependencies declared in Chart.yaml are missing from charts\/: redis \^17.0.0 \(Chart.yaml line 6\)/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});

describe('archives interoperate with the real helm', () => {
  let helmChart: string;
  beforeAll(async () => {
    mkdirSync(join(tmp.dir, 'interop'), { recursive: true });
    await helm(['create', 'gochart'], { cwd: join(tmp.dir, 'interop') });
    helmChart = join(tmp.dir, 'interop', 'gochart');
  });

  it('helm lint, show and template accept our package of a Helm chart', async () => {
    const out = join(tmp.dir, 'interop', 'ours');
    expect((await chartCli(['package', helmChart, '-d', out])).code).toBe(0);
    const tgz = join(out, 'gochart-0.1.0.tgz');
    const lint = await helm(['lint', tgz]);
    expect(lint.stdout).toContain('0 chart(s) failed');
    expect((await helm(['show', 'chart', tgz])).stdout).toContain('name: gochart');
    expect((await helm(['template', 'x', tgz])).stdout).toContain('kind: Deployment');
  });

  it('helm show chart reads our Handlebars archives, umbrella included', async () => {
    const out = join(tmp.dir, 'interop', 'shop');
    expect((await chartCli(['package', 'charts/shop', '-d', out])).code).toBe(0);
    const shown = await helm(['show', 'chart', join(out, 'shop-1.4.0.tgz')]);
    expect(shown.stdout).toContain('name: shop');
    expect(shown.stdout).toContain('version: 1.4.0');
  });

  it('we load, lint and show archives made by helm package', async () => {
    const out = join(tmp.dir, 'interop', 'theirs');
    await helm(['package', helmChart, '-d', out]);
    const tgz = join(out, 'gochart-0.1.0.tgz');
    const lint = await chartCli(['lint', tgz]);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(lint.stdout).not.toContain('Go template');
    const show = await chartCli(['show', 'values', tgz]);
    expect(show.stdout).toBe(readFileSync(join(helmChart, 'values.yaml'), 'utf8'));
    const json = await chartCli(['show', 'chart', tgz, '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'gochart', version: '0.1.0', appVersion: '1.16.0' });
  });

  it('we read an umbrella that helm packaged with subchart folders', async () => {
    const out = join(tmp.dir, 'interop', 'umbrella');
    const copy = join(tmp.dir, 'interop', 'shopcopy');
    await chartCli(['package', 'charts/shop', '-d', copy]);
    // helm package expands nothing here, but it does re-pack our tree with its own tar writer.
    await helm(['package', 'charts/shop', '-d', out]);
    const r = await chartCli(['template', 'shop', join(out, 'shop-1.4.0.tgz')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync('test/golden/shop-defaults.golden.yaml', 'utf8'));
  });
});

describe('chart show', () => {
  it('shows all parts of a chart', async () => {
    const r = await chartCli(['show', 'all', 'charts/shop']);
    expect(r.stdout).toContain('name: shop');
    expect(r.stdout).toContain('---\n# Shared with every subchart');
    // No README: nothing, and success, as helm answers.
    expect(await chartCli(['show', 'readme', 'charts/shop'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});
