import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { tempDir } from '../support/tmp.js';
import { chartYaml, writeChart } from '../support/charts.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A fresh folder under the test's temporary folder. */
let n = 0;
function freshDir(): string {
  const dir = join(tmp.dir, `case-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('the engine annotation', () => {
  it('chart create marks the chart so that an archive made by helm package still renders with Handlebars', async () => {
    const dir = freshDir();
    const created = await chartCli(['create', 'web'], { cwd: dir });
    expect(created.code).toBe(0);
    const yaml = readFileSync(join(dir, 'web', 'Chart.yaml'), 'utf8');
    expect(yaml).toMatch(/^engine: handlebars$/m);
    expect(yaml).toMatch(/^annotations:\n(?:\s+#.*\n)*\s+chartroom\.dev\/engine: handlebars$/m);

    await helm(['package', 'web', '-d', dir], { cwd: dir });
    const archive = join(dir, 'web-0.1.0.tgz');
    // helm rewrote Chart.yaml without `engine`: only the annotation is left to say the chart is Handlebars.
    const shown = await helm(['show', 'chart', archive]);
    expect(shown.stdout).not.toMatch(/^engine:/m);
    expect(shown.stdout).toContain('chartroom.dev/engine: handlebars');

    const fromArchive = await chartCli(['template', 'web', archive]);
    const fromFolder = await chartCli(['template', 'web', join(dir, 'web')]);
    expect(fromArchive.stderr).toBe('');
    expect(fromArchive.code).toBe(0);
    expect(fromFolder.code).toBe(0);
    expect(fromArchive.stdout).toContain('kind: Deployment');
    // The scaffold's labels say who rendered them: Chartroom's Handlebars scaffold writes its own name.
    expect(fromArchive.stdout).toContain('app.kubernetes.io/managed-by: Chartroom');
    expect(fromArchive.stdout).toBe(fromFolder.stdout);
  });

  it('the example webapp chart carries the annotation too', () => {
    expect(readFileSync('charts/webapp/Chart.yaml', 'utf8')).toMatch(/^\s+chartroom\.dev\/engine: handlebars$/m);
  });
});

describe('chart show says which engine a chart needs', () => {
  it('prints Chart.yaml on stdout as helm does, and the note on stderr only for a Handlebars chart', async () => {
    const dir = freshDir();
    const hbs = writeChart(dir, 'hbs', { 'Chart.yaml': chartYaml('hbs', 'description: d\n'), 'values.yaml': 'a: 1\n' });
    const go = writeChart(dir, 'go', { 'Chart.yaml': 'apiVersion: v2\nname: go\nversion: 0.1.0\n', 'values.yaml': 'a: 1\n' });
    for (const chart of [hbs, go]) {
      const ours = await chartCli(['show', 'chart', chart]);
      const theirs = await helm(['show', 'chart', chart]);
      expect(ours.code).toBe(0);
      // stdout is Chart.yaml itself and nothing else (helm re-serialises the same fields; it drops `engine`).
      expect(ours.stdout).toBe(readFileSync(join(chart, 'Chart.yaml'), 'utf8'));
      const { engine, ...fields } = parseYaml(ours.stdout) as Record<string, unknown>;
      expect(fields).toEqual(parseYaml(theirs.stdout));
      expect(engine).toBe(chart === hbs ? 'handlebars' : undefined);
    }
    const note = "note: this chart's templates are Handlebars (engine: handlebars): render it with chart, not helm\n";
    expect((await chartCli(['show', 'chart', hbs])).stderr).toBe(note);
    expect((await chartCli(['show', 'chart', go])).stderr).toBe('');

    const all = await chartCli(['show', 'all', hbs]);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(`${readFileSync(join(hbs, 'Chart.yaml'), 'utf8')}---\na: 1\n`);
    expect(all.stderr).toBe(note);
    expect((await chartCli(['show', 'all', go])).stderr).toBe('');
    // Only chart and all say it: values stay quiet.
    expect((await chartCli(['show', 'values', hbs])).stderr).toBe('');
  });

  it('names the annotation when that is what marks the chart (an archive helm packaged)', async () => {
    const dir = freshDir();
    const chart = writeChart(dir, 'ann', { 'Chart.yaml': 'apiVersion: v2\nname: ann\nversion: 0.1.0\nannotations:\n  chartroom.dev/engine: handlebars\n' });
    await helm(['package', chart, '-d', dir]);
    const r = await chartCli(['show', 'chart', join(dir, 'ann-0.1.0.tgz')]);
    expect(r.code).toBe(0);
    expect(parseYaml(r.stdout)).toEqual(parseYaml((await helm(['show', 'chart', join(dir, 'ann-0.1.0.tgz')])).stdout));
    expect(r.stderr).toBe("note: this chart's templates are Handlebars (annotation chartroom.dev/engine: handlebars): render it with chart, not helm\n");
  });
});

describe('chart show readme', () => {
  it('of a chart without a README prints nothing and succeeds, as helm does', async () => {
    const dir = freshDir();
    const chart = writeChart(dir, 'noreadme', { 'Chart.yaml': 'apiVersion: v2\nname: noreadme\nversion: 0.1.0\n' });
    await helm(['package', chart, '-d', dir]);
    for (const target of [chart, join(dir, 'noreadme-0.1.0.tgz')]) {
      const theirs = await helm(['show', 'readme', target]);
      const ours = await chartCli(['show', 'readme', target]);
      expect({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }).toEqual({ code: 0, stdout: theirs.stdout, stderr: '' });
    }
  });
});

describe('chart show of a chart folder reads only what it prints', () => {
  // A template that is not valid UTF-8 YAML, a broken subchart and an unreadable file: loading the whole chart
  // would fail on the subchart; show chart|values|readme must not look at any of them.
  function chartWithBrokenParts(root: string): string {
    const chart = writeChart(root, 'lean', {
      'Chart.yaml': 'apiVersion: v2\nname: lean\nversion: 0.1.0\ndescription: reads only what it prints\n',
      'values.yaml': 'replicas: 2\n',
      'README.md': '# lean\n\nA chart.\n',
      'templates/a.yaml': 'kind: ConfigMap\n',
      'charts/broken/values.yaml': 'x: 1\n', // a subchart folder without Chart.yaml
    });
    return chart;
  }

  it('prints Chart.yaml, values and README of a folder whose other parts would not load', async () => {
    const chart = chartWithBrokenParts(freshDir());
    const full = await chartCli(['show', 'all', chart]);
    expect(full.code).toBe(1); // the whole chart does not load…
    expect(full.stderr).toContain('charts/broken has no Chart.yaml');
    // …but the files show prints are read on their own.
    expect(await chartCli(['show', 'chart', chart])).toEqual({ code: 0, stdout: readFileSync(join(chart, 'Chart.yaml'), 'utf8'), stderr: '' });
    expect(await chartCli(['show', 'values', chart])).toEqual({ code: 0, stdout: 'replicas: 2\n', stderr: '' });
    expect(await chartCli(['show', 'readme', chart])).toEqual({ code: 0, stdout: '# lean\n\nA chart.\n', stderr: '' });
  });

  it('prints the same as the whole-chart path for a folder and its archive, and still refuses a folder that is not a chart', async () => {
    const dir = freshDir();
    const chart = writeChart(dir, 'same', {
      'Chart.yaml': chartYaml('same', 'description: d\n'),
      'values.yaml': '# comment\nimage: nginx', // no final newline
      'readme.txt': 'plain readme',
      '.helmignore': 'README.md\n',
      'README.md': 'ignored by .helmignore\n',
      'templates/a.yaml': 'kind: ConfigMap\n',
    });
    const pkg = await chartCli(['package', chart, '-d', dir]);
    expect(pkg.code).toBe(0);
    const archive = join(dir, 'same-0.1.0.tgz');
    for (const what of ['chart', 'values', 'readme']) {
      const fromFolder = await chartCli(['show', what, chart]);
      const fromArchive = await chartCli(['show', what, archive]);
      expect(fromFolder).toEqual(fromArchive);
      expect(fromFolder.code).toBe(0);
    }
    expect((await chartCli(['show', 'readme', chart])).stdout).toBe('plain readme\n');
    expect((await chartCli(['show', 'values', chart])).stdout).toBe('# comment\nimage: nginx\n');
    expect((await chartCli(['show', 'chart', chart, '-o', 'json'])).stdout).toBe((await chartCli(['show', 'chart', archive, '-o', 'json'])).stdout);

    const notChart = join(dir, 'plain');
    mkdirSync(notChart);
    const r = await chartCli(['show', 'chart', notChart]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no Chart.yaml (not a chart folder)');
  });
});

describe('chart lint of a folder named differently from its chart', () => {
  it('passes with a warning, as helm passes it; --strict fails it', async () => {
    const dir = freshDir();
    const folder = writeChart(dir, 'folder', {
      'Chart.yaml': 'apiVersion: v2\nname: other\nversion: 0.1.0\ndescription: d\nappVersion: "1"\nicon: https://example.com/i.png\n',
      'values.yaml': 'a: 1\n',
      'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n',
    });
    const theirs = await helm(['lint', folder]); // rejects when helm fails the chart
    expect(theirs.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');

    const ours = await chartCli(['lint', folder]);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toMatch(/\[WARNING\] .*folder\/Chart.yaml:2: chart name "other" does not match its folder name "folder"/);
    expect(ours.stdout).not.toContain('[ERROR]');
    expect(ours.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');

    const strict = await chartCli(['lint', folder, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/\[WARNING\] .*chart name "other" does not match its folder name "folder"/);
    expect(strict.stdout).toContain('1 chart(s) linted, 1 chart(s) failed');

    // The templates are still linted once the name no longer stops lint at Chart.yaml.
    const json = JSON.parse((await chartCli(['lint', folder, '-o', 'json'])).stdout);
    expect(json.charts[0].messages.filter((m: { severity: string }) => m.severity === 'error')).toEqual([]);
  });
});

describe('chart lint text output for invalid rendered YAML', () => {
  it('shows the rendered lines around the error under the finding, with no dangling reference', async () => {
    const dir = freshDir();
    const chart = writeChart(dir, 'badyaml', {
      'Chart.yaml': 'apiVersion: v2\nname: badyaml\nversion: 0.1.0\nengine: handlebars\ndescription: d\nappVersion: "1"\nicon: https://example.com/i.png\n',
      'values.yaml': 'a: 1\n',
      'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: "{{Values.a}}"\n  b: [1, 2\n  c: x\n',
    });
    const r = await chartCli(['lint', chart], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('[ERROR] badyaml/templates/cm.yaml:8: template produced invalid YAML: '));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at]).toMatch(/\(rendered output line 8, written by template line 8\)$/);
    expect(lines[at]).not.toMatch(/rendered lines/);
    // The excerpt: a heading and the rendered lines (line 9 would be past the end of the output), tab-indented.
    expect(lines.slice(at + 1, at + 6)).toEqual(['\trendered lines 6-8:', '\t    6|   a: "1"', '\t    7|   b: [1, 2', '\t    8|   c: x', '']);
    expect(r.stdout.endsWith('\n1 chart(s) linted, 1 chart(s) failed\n')).toBe(true);

    // JSON keeps the finding in one piece: the message, and the excerpt as its detail.
    const json = JSON.parse((await chartCli(['lint', chart, '-o', 'json'], { cwd: dir })).stdout);
    const err = json.charts[0].messages.find((m: { severity: string }) => m.severity === 'error');
    expect(err.message).not.toMatch(/rendered lines/);
    expect(err.detail).toBe('rendered lines 6-8:\n    6|   a: "1"\n    7|   b: [1, 2\n    8|   c: x');
  });
});
