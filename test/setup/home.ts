import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/**
 * HOME isolation: for the whole jest run, HOME and the XDG base folders point into one empty temporary folder,
 * and at the end of the run that folder must still be empty. A test that writes there would, on a developer's
 * machine, have written into their real home (~/.cache/chartroom, ~/.config/chartroom, ...): tests must build
 * their contexts (cache, config, data folders) on temporary folders instead.
 *
 * The global setups run in Jest's main process, before it starts the test workers, so the workers (and every
 * process a test spawns) inherit these variables.
 */
export const ISOLATED_VARS = { HOME: 'home', XDG_CONFIG_HOME: 'config', XDG_CACHE_HOME: 'cache', XDG_DATA_HOME: 'data', XDG_STATE_HOME: 'state' } as const;

interface Isolation {
  root: string;
  /** The folders this module made (the variables' targets); their own existence is not a finding. */
  made: Map<string, keyof typeof ISOLATED_VARS>;
  saved: Record<string, string | undefined>;
}

const state = globalThis as { __chartroomHome?: Isolation };

/** Points HOME and XDG_*_HOME at fresh empty folders inside one temporary folder; once per jest run. */
export function isolateHome(): string {
  if (state.__chartroomHome) return state.__chartroomHome.root;
  const root = mkdtempSync(join(tmpdir(), 'chartroom-isolated-home-'));
  const made = new Map<string, keyof typeof ISOLATED_VARS>();
  const saved: Record<string, string | undefined> = {};
  for (const [name, folder] of Object.entries(ISOLATED_VARS) as [keyof typeof ISOLATED_VARS, string][]) {
    const dir = join(root, folder);
    mkdirSync(dir);
    made.set(dir, name);
    saved[name] = process.env[name];
    process.env[name] = dir;
  }
  state.__chartroomHome = { root, made, saved };
  // Should the run stop before the teardown (a failing global setup), do not leave the folder behind.
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** Everything found inside the isolated folders: files, links and empty folders (a non-empty folder is shown by its contents). */
function leftovers(dir: string, made: Map<string, string>, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) {
      const before = out.length;
      leftovers(path, made, out);
      if (out.length === before && !made.has(path)) out.push(`${path}${sep}`);
    } else out.push(path);
  }
}

/** Lists what the run wrote into the isolated HOME, restores the variables, removes the folder; throws if it was not empty. */
export function checkIsolatedHome(): void {
  const iso = state.__chartroomHome;
  if (!iso) return;
  state.__chartroomHome = undefined;
  let found: string[] = [];
  try {
    leftovers(iso.root, iso.made, found);
  } finally {
    for (const [name, value] of Object.entries(iso.saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  // Name each path by the variable it was written under: $XDG_CACHE_HOME/chartroom/templates/...
  found = found.map((p) => {
    for (const [dir, name] of iso.made) if (p === dir || p.startsWith(dir + sep)) return `$${name}/${relative(dir, p)}${p.endsWith(sep) ? '/' : ''}`;
    return p;
  });
  const root = iso.root;
  rmSync(root, { recursive: true, force: true });
  if (found.length) {
    const shown = found.slice(0, 20).map((p) => `  ${p}`);
    if (found.length > 20) {
      const byFolder = new Map<string, number>();
      for (const p of found) {
        const folder = p.split('/').slice(0, 2).join('/');
        byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
      }
      shown.push(`  ... and ${found.length - 20} more; by folder: ${[...byFolder].map(([f, n]) => `${f} (${n})`).join(', ')}`);
    }
    throw new Error(
      `HOME isolation: the tests wrote ${found.length} path(s) into the isolated HOME/XDG folders (${root}); ` +
        `tests must build their contexts on temporary folders (pass explicit cache/config/data folders made with test/support/tmp.ts):\n${shown.join('\n')}`,
    );
  }
}
