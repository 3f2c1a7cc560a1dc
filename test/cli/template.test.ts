import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartCli } from '../support/cli.js';
import { chartYaml, writeChart } from '../support/charts.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{Release.Name}}-{{Values.suffix}}\ndata:\n  ns: {{Release.Namespace}}\n  kube: {{Capabilities.KubeVersion.Version}}\n  policy: "{{Capabilities.APIVersions.has "example.com/v1"}}"\n  file: {{quote (Files.get "conf/app.conf")}}\n';

describe('chart template', () => {
  const dir = writeChart(tmp.dir, 'demo', {
    'Chart.yaml': chartYaml('demo'),
    'values.yaml': 'suffix: cm\nport: 80\n',
    'values.schema.json': JSON.stringify({ type: 'object', properties: { port: { type: 'integer', maximum: 65535 }, suffix: { type: 'string' } } }),
    'templates/cm.yaml': CM,
    'templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n    - port: {{Values.port}}\n',
    'templates/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{{Release.Namespace}}\n---\n# only a comment\n---\n',
    'conf/app.conf': 'key=value',
    'crds/thing.yaml': 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n',
  });

  it('prints documents in Helm install order with # Source lines', async () => {
    const r = await chartCli(['template', 'rel', dir, '-n', 'team', '--kube-version', '1.29.4', '--api-versions', 'example.com/v1']);
    expect(r.code).toBe(0);
    const sources = r.stdout.split('\n').filter((l) => l.startsWith('# Source:'));
    // A document with no kind (here, only a comment) sorts last, as in Helm.
    expect(sources).toEqual(['# Source: demo/templates/ns.yaml', '# Source: demo/templates/cm.yaml', '# Source: demo/templates/svc.yaml', '# Source: demo/templates/ns.yaml']);
    expect(r.stdout).toContain('name: rel-cm');
    expect(r.stdout).toContain('ns: team');
    expect(r.stdout).toContain('kube: v1.29.4');
    expect(r.stdout).toContain('policy: "true"');
    expect(r.stdout).toContain('file: "key=value"');
  });

  it('includes CRDs first with --include-crds, and limits output with --show-only', async () => {
    const r = await chartCli(['template', dir, '--include-crds']);
    expect(r.stdout.split('\n')[1]).toBe('# Source: demo/crds/thing.yaml');
    const only = await chartCli(['template', dir, '-s', 'templates/svc.yaml']);
    expect(only.stdout.match(/# Source:/g)).toHaveLength(1);
    const missing = await chartCli(['template', dir, '-s', 'templates/nope.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/could not find template templates\/nope.yaml in chart/);
  });

  it('writes one file per template with --output-dir', async () => {
    const out = join(tmp.dir, 'out');
    const r = await chartCli(['template', 'rel', dir, '--output-dir', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'demo/templates/svc.yaml'), 'utf8')).toMatch(/^---\n# Source: demo\/templates\/svc.yaml\napiVersion: v1/);
    expect(readFileSync(join(out, 'demo/templates/ns.yaml'), 'utf8').match(/---/g)).toHaveLength(2);
  });

  it('reports a schema violation with the value path, the rule and who set it', async () => {
    const r = await chartCli(['template', dir, '--set', 'port=70000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('port: must be <= 65535 (rule: maximum; set by --set port=70000;');
    const f = join(tmp.dir, 'bad.yaml');
    writeFileSync(f, 'suffix: 5\n');
    const r2 = await chartCli(['template', dir, '-f', f]);
    expect(r2.stderr).toContain(`suffix: must be string (rule: type; set by ${f};`);
  });

  it('renders Go-template charts with the Go engine', async () => {
    const go = writeChart(tmp.dir, 'gochart', { 'Chart.yaml': 'apiVersion: v2\nname: gochart\nversion: 1.0.0\n', 'values.yaml': 'x: 1\n', 'templates/a.yaml': 'a: {{ .Values.x }}\nb: {{ .Release.Name | upper | quote }}\n' });
    const r = await chartCli(['template', 'rel', go]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('---\n# Source: gochart/templates/a.yaml\na: 1\nb: "REL"\n');
    const bad = writeChart(tmp.dir, 'gobad', { 'Chart.yaml': 'apiVersion: v2\nname: gobad\nversion: 1.0.0\n', 'templates/a.yaml': 'a: 1\nb: {{ .Values.x | nosuchfunc }}\n' });
    const e = await chartCli(['template', bad]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/gobad\/templates\/a.yaml:2:\d+: .*function "nosuchfunc" not defined/);
  });

  it('refuses a kubeVersion the target does not meet', async () => {
    const k = writeChart(tmp.dir, 'kube', { 'Chart.yaml': chartYaml('kube', 'kubeVersion: ">=1.30.0-0"\n'), 'templates/a.yaml': 'a: 1\n' });
    expect((await chartCli(['template', k, '--kube-version', '1.29.0'])).stderr).toMatch(/requires kubeVersion >=1.30.0-0/);
    expect((await chartCli(['template', k, '--kube-version', '1.31.0'])).code).toBe(0);
  });

  it('names the template and rendered line of invalid YAML output', async () => {
    const bad = writeChart(tmp.dir, 'badyaml', { 'Chart.yaml': chartYaml('badyaml'), 'templates/a.yaml': 'a: 1\nb: {{Values.x}}\n  c: 2\n', 'values.yaml': 'x: "[oops"\n' });
    const r = await chartCli(['template', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/badyaml\/templates\/a.yaml:2: template produced invalid YAML/);
    expect(r.stderr).toMatch(/rendered output line \d/);
  });

  it('names Chart.yaml, the line and the field of a bad version', async () => {
    const bad = writeChart(tmp.dir, 'badver', { 'Chart.yaml': 'apiVersion: v2\nname: badver\nversion: 1.2\n' });
    const r = await chartCli(['template', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/badver\/Chart.yaml:3:10: Chart.yaml: version must be a string, got the number 1.2/);
    const bad2 = writeChart(tmp.dir, 'badver2', { 'Chart.yaml': 'apiVersion: v2\nname: badver2\nversion: v1.2\n' });
    expect((await chartCli(['template', bad2])).stderr).toMatch(/Chart.yaml:3:10: Chart.yaml: version "v1.2" is not a valid SemVer 2 version/);
  });

  it('fails --strict on a typo that renders empty without it', async () => {
    const t = writeChart(tmp.dir, 'typo', { 'Chart.yaml': chartYaml('typo'), 'values.yaml': 'image: {tag: "1"}\n', 'templates/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  tag: "{{Values.image.tagg}}"\n' });
    expect((await chartCli(['template', t])).code).toBe(0);
    const r = await chartCli(['template', t, '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('typo/templates/a.yaml:5:11: Values.image.tagg is not defined (--strict)');
    expect(r.stderr).toContain('did you mean Values.image.tag?');
  });

  it('does not leave an output folder behind when rendering fails', async () => {
    const out = join(tmp.dir, 'never');
    const r = await chartCli(['template', dir, '--set', 'port=70000', '--output-dir', out]);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});
