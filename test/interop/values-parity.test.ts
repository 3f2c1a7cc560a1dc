import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { tempDir } from '../support/tmp.js';

/**
 * The same chart tree twice, once as a Helm Go-template chart and once as a Handlebars chart, each
 * printing its values as JSON: a values file or --set must mean the same to both.
 */
const PARENT_VALUES = `
replicas: 2
keepNull: null
fromParent:
  b: parent
sub:
  fromParentForSub: yes
  removeMe: null
  nested:
    drop: null
global:
  region: eu
  shared: {a: 1}
tags:
  extras: false
`;
const SUB_VALUES = `
removeMe: 1
nested: {drop: 1, keep: 2}
subDefault: x
global:
  region: us
  onlySub: true
exports:
  data:
    exported: from-sub
conf:
  a: child
  b: child
`;

function write(root: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

function chartTree(root: string, engine: 'helm' | 'ours') {
  const tpl = engine === 'helm' ? '{{ toJson .Values }}' : '{{toJson Values}}';
  const eng = engine === 'ours' ? 'engine: handlebars\n' : '';
  const sub = (name: string) => ({
    [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n${eng}`,
    [`charts/${name}/values.yaml`]: SUB_VALUES,
    [`charts/${name}/templates/values.yaml`]: `${name}: ${tpl}\n`,
  });
  write(root, {
    'Chart.yaml': `apiVersion: v2
name: parent
version: 1.0.0
${eng}dependencies:
  - name: sub
    version: ^1.0.0
    import-values:
      - data
      - child: conf
        parent: fromParent
  - name: sub
    alias: sub2
    version: 1.x
  - name: extra
    version: "*"
    tags: [extras]
  - name: cond
    version: "*"
    condition: cond.enabled,global.condAll
`,
    'values.yaml': PARENT_VALUES,
    'templates/values.yaml': `parent: ${tpl}\n`,
    ...sub('sub'),
    ...sub('extra'),
    ...sub('cond'),
  });
}

async function renderBoth(root: string, args: string[]): Promise<{ helm: unknown; ours: unknown }> {
  const parse = (out: string) => {
    const docs: Record<string, unknown> = {};
    for (const line of out.split('\n')) {
      const m = /^([a-z0-9]+): (\{.*\})$/.exec(line);
      if (m) docs[m[1]] = JSON.parse(m[2]);
    }
    return docs;
  };
  const h = await helm(['template', 'rel', join(root, 'helm'), ...args], { cwd: root });
  const o = await chartCli(['template', 'rel', join(root, 'ours'), ...args], { cwd: root });
  if (o.code !== 0) throw new Error(o.stderr);
  return { helm: parse(h.stdout), ours: parse(o.stdout) };
}

describe('values mean the same to us as to helm', () => {
  const tmp = tempDir();
  beforeAll(() => {
    chartTree(join(tmp.dir, 'helm'), 'helm');
    chartTree(join(tmp.dir, 'ours'), 'ours');
    writeFileSync(
      join(tmp.dir, 'yaml11.yaml'),
      `a: yes\nb: on\nc: y\nd: 0777\ne: 1e3\nf: 1_000\ng: 0x1F\ni: ~\nj: 2001-12-14\nk: 12345678901234567890\nl: 1.0\nm: 010\nn: 0o17\no: 1:20\np: Off\nq: NO\nr: 3.\ns: +12\nt: 0b101\nu: "x"\nv: 1000000\nw: 'single'\nx: -0\n`,
    );
    writeFileSync(join(tmp.dir, 'override.yaml'), `sub:\n  nested: null\n  conf: {a: user}\nreplicas: null\nlist: [a, b, c]\ncond: {enabled: true}\n`);
    writeFileSync(join(tmp.dir, 'override2.yaml'), `list: [x]\nsub2: {subDefault: null}\nglobal: {shared: {b: 2}}\ntags: {extras: true}\n`);
    writeFileSync(join(tmp.dir, 'file.txt'), 'line one\nline two\n');
  });
  afterAll(() => tmp.cleanup());

  const cases: [string, string[]][] = [
    ['chart defaults only', []],
    ['YAML 1.1 scalars in a values file', ['-f', 'yaml11.yaml']],
    ['null removes keys from parent and subchart defaults; later files win', ['-f', 'override.yaml', '-f', 'override2.yaml']],
    ['--set type inference', ['--set', 'a=1.5,b=007,c=True,d=null,e={1,b,true},f[2]=x,g.h.i=deep,j=0,k=-5,l=+5,m=1e3,n=0x10,o=x\\,y,p.q\\.r=dot,s=,t=FALSE']],
    ['--set into lists from a file', ['-f', 'override.yaml', '--set', 'list[1]=B,list[4]=E,objs[1].name=n,objs[0].v=1']],
    ['--set-string, --set-json, --set-literal and --set-file', ['--set-string', 'a=1,b=true,c=null', '--set-json', 'j={"x":[1,2,{"y":null}]},k=[1,"2"],l=', '--set-literal', 'lit=a,b=c\\d', '--set-file', 'f=file.txt']],
    ['conditions, tags and globals from --set', ['--set', 'cond.enabled=false,global.condAll=true,tags.extras=true,global.region=ap,sub.global.region=sub-set']],
    ['a condition that is not a boolean is ignored', ['--set', 'cond.enabled=yes-please,global.condAll=true']],
    ['--set order against -f: set wins, later --set wins', ['-f', 'override.yaml', '--set', 'replicas=5', '--set', 'replicas=6', '--set', 'sub.conf.b=setb']],
  ];

  it.each(cases)('%s', async (_label, args) => {
    const { helm: h, ours: o } = await renderBoth(tmp.dir, args);
    expect(Object.keys(o as object).length).toBeGreaterThan(0);
    expect(o).toEqual(h);
  });
});
