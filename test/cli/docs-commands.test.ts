import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_BIN } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

/*
 * Every ```sh block in README.md and docs/*.md runs as written (issue #13, "the first ten minutes"); the
 * convention is in docs/testing.md ("Commands in the documentation").
 *
 * - A ```sh block is a command to run. A block tagged `synopsis` (```sh synopsis: a command format with
 *   placeholders such as NAME or [-o json]) is not run; output examples are ```text (or a bare fence).
 * - Blocks that need something this tier does not have (a cluster, a running registry, S3, the network,
 *   signing keys) are listed in EXCLUDED, by document and a substring of the block, each with its reason.
 *   An entry must match exactly one runnable block, so the list cannot go stale: an entry whose block was
 *   fixed, retagged or reworded fails the test.
 * - Each document's blocks run in order, in one `bash -euo pipefail` per block, in one fresh folder per
 *   document, so a later block sees what an earlier one made (a chart it created, a file it wrote).
 *   Rule for the shipped example charts: when a document's runnable blocks mention `charts/`, the checkout's
 *   `charts/` is copied into that folder first, so `chart lint charts/webapp` works as from the checkout root.
 * - Environment: HOME, TMPDIR, XDG_*_HOME, CHARTROOM_CACHE_DIR and CHARTROOM_CONFIG_DIR point into the
 *   document's folder (so `mktemp -d` lands there too). PATH starts with a folder holding
 *     `chart`  a wrapper that runs the built dist/chart.cjs with this node, as `npm link` would, and
 *     `npm`    a stand-in that accepts `link`, `install` and `ci` and does nothing (dist/ is already built,
 *              and the wrapper is what `npm link` would have put on the PATH); any other npm command fails,
 *              so a block that starts a server or the test suite must be listed in EXCLUDED.
 */

const ROOT = process.cwd();
const BLOCK_TIMEOUT_MS = 30_000;

/** Blocks not run here, by document and a distinctive substring of the block, with the reason. */
const EXCLUDED: { doc: string; contains: string; reason: string }[] = [
  { doc: 'README.md', contains: 'npm install && npm start', reason: 'starts the registry, which runs until stopped' },
  { doc: 'README.md', contains: 'npm run test:integration', reason: 'the test suite itself (this test among it), with Ceph and a kube-apiserver' },
  { doc: 'docs/deploy.md', contains: 'chart serve --storage-dir /var/lib/chartroom', reason: 'runs a registry (and docker) until stopped, with files in /etc' },
  { doc: 'docs/deploy.md', contains: '--storage s3 --s3-bucket team-charts', reason: 'needs S3 and runs a registry until stopped' },
  { doc: 'docs/deploy.md', contains: 'kubectl apply -f -', reason: 'needs a cluster' },
  { doc: 'docs/deploy.md', contains: 'helm registry login charts.example.com', reason: 'needs a running registry on the network' },
  { doc: 'docs/provenance.md', contains: 'gpg --export-secret-keys', reason: 'needs signing keys in a gpg keyring' },
  { doc: 'docs/provenance.md', contains: "--sign --key 'Jane Doe'", reason: 'needs signing keys and a passphrase' },
  { doc: 'docs/provenance.md', contains: 'chart verify web-1.2.3.tgz', reason: 'needs a signed chart and the public keyring' },
  { doc: 'docs/releases.md', contains: 'chart install web charts/webapp -n demo', reason: 'needs a cluster (and kubectl, helm)' },
  { doc: 'docs/testing.md', contains: 'CHARTROOM_TEST_S3_ENDPOINT=', reason: 'needs an S3 server (and runs the integration tier)' },
  { doc: 'docs/testing.md', contains: 'CHARTROOM_TEST_KUBECONFIG=$HOME/.kube/kind-test', reason: 'needs a cluster (runs the kube tier)' },
];

interface Block {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  tags: string[];
  text: string;
}

/** Fenced code blocks of a Markdown text (``` or ~~~, possibly indented, as in a list item). */
function fencedBlocks(doc: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    // CommonMark: a backtick fence's info string has no backtick (a line that starts with inline code is no fence).
    if (fence[0] === '`' && rest.includes('`')) continue;
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    for (; j < lines.length && !close.test(lines[j]); j++) {
      // Remove the fence's own indentation from each line (a block inside a list item).
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    blocks.push({ doc, line: i + 1, lang, tags: rest.split(/\s+/).filter(Boolean), text: body.join('\n') });
    i = j;
  }
  return blocks;
}

const documents = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const allBlocks = documents.flatMap((doc) => fencedBlocks(doc, readFileSync(join(ROOT, doc), 'utf8')));
/** The blocks that are commands to run: ```sh (or bash, shell), not tagged synopsis. */
const commandBlocks = allBlocks.filter((b) => ['sh', 'bash', 'shell'].includes(b.lang) && !b.tags.includes('synopsis'));
const excludedBy = (b: Block) => EXCLUDED.find((e) => e.doc === b.doc && b.text.includes(e.contains));
const runnable = commandBlocks.filter((b) => !excludedBy(b));
const runnableDocs = documents.filter((doc) => runnable.some((b) => b.doc === doc));

const tmp = tempDir('chartroom-docs-');
afterAll(() => tmp.cleanup());

/** The `chart` wrapper and the `npm` stand-in, in one folder for PATH. */
function toolsDir(): string {
  const bin = join(tmp.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(join(bin, 'chart'), `#!/bin/sh\nexec ${q(process.execPath)} ${q(CHART_BIN)} "$@"\n`);
  writeFileSync(
    join(bin, 'npm'),
    '#!/bin/sh\n# docs-commands.test.ts: dist/ is built and `chart` is on the PATH already\ncase "$1" in\n  link|install|i|ci) exit 0 ;;\n  *) echo "npm $*: not available in the docs-commands test (list the block in EXCLUDED)" >&2; exit 127 ;;\nesac\n',
  );
  chmodSync(join(bin, 'chart'), 0o755);
  chmodSync(join(bin, 'npm'), 0o755);
  return bin;
}

function docFolder(doc: string, blocks: Block[]): { cwd: string; env: NodeJS.ProcessEnv } {
  const dir = join(tmp.dir, doc.replace(/[^A-Za-z0-9.-]/g, '_'));
  const cwd = join(dir, 'work');
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${toolsDir()}:${process.env.PATH ?? ''}` };
  for (const [name, sub] of [
    ['HOME', 'home'],
    ['TMPDIR', 'tmp'],
    ['XDG_CONFIG_HOME', 'xdg-config'],
    ['XDG_CACHE_HOME', 'xdg-cache'],
    ['XDG_DATA_HOME', 'xdg-data'],
    ['XDG_STATE_HOME', 'xdg-state'],
    ['CHARTROOM_CACHE_DIR', 'chartroom-cache'],
    ['CHARTROOM_CONFIG_DIR', 'chartroom-config'],
  ] as const) {
    env[name] = join(dir, sub);
    mkdirSync(env[name]!, { recursive: true });
  }
  mkdirSync(cwd, { recursive: true });
  if (blocks.some((b) => b.text.includes('charts/'))) cpSync(join(ROOT, 'charts'), join(cwd, 'charts'), { recursive: true });
  return { cwd, env };
}

describe('the documentation lists its exclusions honestly', () => {
  it('finds the README toolchain block among the runnable ones', () => {
    expect(runnable.some((b) => b.doc === 'README.md' && b.text.includes('chart create web'))).toBe(true);
  });

  it.each(EXCLUDED.map((e) => [`${e.doc}: ${e.contains}`, e] as const))('%s matches exactly one ```sh block', (_name, e) => {
    const matches = commandBlocks.filter((b) => b.doc === e.doc && b.text.includes(e.contains));
    if (matches.length !== 1) {
      throw new Error(
        `EXCLUDED entry ${JSON.stringify(e.contains)} (${e.doc}; ${e.reason}) matches ${matches.length} runnable \`\`\`sh blocks` +
          `${matches.length ? ` (lines ${matches.map((m) => m.line).join(', ')})` : ''}; it must match exactly one: fix or remove the entry`,
      );
    }
    expect(e.reason.length).toBeGreaterThan(0);
  });

  it('the fence parser handles indented blocks and tags', () => {
    const md = '```` ```sh ```` is inline\n\n  ```sh synopsis\n  chart x NAME\n  ```\n- item\n\n  ```sh\n  echo hi\n  ```\n';
    expect(fencedBlocks('x.md', md)).toEqual([
      { doc: 'x.md', line: 3, lang: 'sh', tags: ['synopsis'], text: 'chart x NAME' },
      { doc: 'x.md', line: 8, lang: 'sh', tags: [], text: 'echo hi' },
    ]);
  });
});

describe('every ```sh block runs as written', () => {
  it.each(runnableDocs)('%s', (doc) => {
    const blocks = runnable.filter((b) => b.doc === doc);
    const { cwd, env } = docFolder(doc, blocks);
    for (const b of blocks) {
      const r = spawnSync('bash', ['-euo', 'pipefail', '-c', b.text], { cwd, env, encoding: 'utf8', timeout: BLOCK_TIMEOUT_MS });
      if (r.status !== 0) {
        const how = r.error ? `${r.error.message}` : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
        throw new Error(
          `${doc}:${b.line}: the \`\`\`sh block failed (${how}), run with bash -euo pipefail in ${cwd}:\n\n${b.text}\n\n` +
            `stderr:\n${r.stderr}\nstdout (end):\n${(r.stdout ?? '').slice(-2000)}`,
        );
      }
    }
  });

  it('the README toolchain block made and packaged the chart in a scratch folder', () => {
    // README's block does cd "$(mktemp -d)"; TMPDIR is inside its document folder.
    const scratch = join(tmp.dir, 'README.md', 'tmp');
    const folders = readdirSync(scratch).map((d) => join(scratch, d));
    expect(folders).toHaveLength(1);
    expect(readdirSync(folders[0]).sort()).toEqual(['charts', 'prod.yaml', 'web']);
    expect(readdirSync(join(folders[0], 'charts'))).toEqual(['web-0.1.0.tgz']);
  });
});
