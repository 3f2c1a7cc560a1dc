import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChartroomError } from '../errors.js';
import { jsYaml, loadYaml } from '../yaml.js';
import { writeFileAtomic } from '../atomic-file.js';

export interface RepoEntry {
  name: string;
  url: string;
  username?: string;
}

interface Credentials {
  [repo: string]: { username?: string; password?: string; token?: string };
}

const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The configured repositories and their credentials (kept in a separate file with mode 0600). */
export class RepositorySettings {
  readonly reposFile: string;
  readonly credentialsFile: string;

  constructor(readonly dir: string) {
    this.reposFile = join(dir, 'repositories.yaml');
    this.credentialsFile = join(dir, 'credentials.yaml');
  }

  list(): RepoEntry[] {
    let text: string;
    try {
      text = readFileSync(this.reposFile, 'utf8');
    } catch {
      return [];
    }
    const doc = loadYaml(text, this.reposFile) as { repositories?: RepoEntry[] } | null;
    return doc?.repositories ?? [];
  }

  get(name: string): RepoEntry | undefined {
    return this.list().find((r) => r.name === name);
  }

  /** The repository whose URL is this URL (ignoring a trailing slash). */
  byUrl(url: string): RepoEntry | undefined {
    const norm = (u: string) => u.replace(/\/+$/, '');
    return this.list().find((r) => norm(r.url) === norm(url));
  }

  private credentials(): Credentials {
    try {
      // Keyed by repository names: a null prototype, so a repository named `constructor` is just a name.
      return Object.assign(Object.create(null) as Credentials, loadYaml(readFileSync(this.credentialsFile, 'utf8'), this.credentialsFile) as Credentials | null);
    } catch {
      return Object.create(null) as Credentials;
    }
  }

  password(name: string): string | undefined {
    return this.credentials()[name]?.password;
  }

  /** The bearer token of a repository (`repo add --token-stdin`), sent as `Authorization: Bearer …`. */
  token(name: string): string | undefined {
    return this.credentials()[name]?.token;
  }

  /** Saves a repository with its password or its bearer token; with neither, it keeps no credentials. */
  save(entry: RepoEntry, password: string | undefined, force: boolean, token?: string): void {
    if (!REPO_NAME.test(entry.name)) throw new ChartroomError('REPO_NAME', `repository name ${JSON.stringify(entry.name)} is invalid`, { hint: 'use letters, digits, ".", "_" and "-"' });
    const repos = this.list();
    const existing = repos.find((r) => r.name === entry.name);
    if (existing && !force && (existing.url !== entry.url || existing.username !== entry.username)) {
      throw new ChartroomError('REPO_EXISTS', `repository ${entry.name} already exists with ${existing.url}`, { hint: 'use --force-update to replace it' });
    }
    const next = [...repos.filter((r) => r.name !== entry.name), { name: entry.name, url: entry.url, ...(entry.username ? { username: entry.username } : {}) }].sort((a, b) => a.name.localeCompare(b.name));
    const creds = this.credentials();
    if (token !== undefined) creds[entry.name] = { token };
    else if (password !== undefined) creds[entry.name] = { username: entry.username, password };
    else delete creds[entry.name];
    writeFileAtomic(this.credentialsFile, jsYaml().dump(creds), 0o600);
    writeFileAtomic(this.reposFile, jsYaml().dump({ repositories: next }));
  }

  remove(name: string): void {
    const repos = this.list();
    if (!repos.some((r) => r.name === name)) throw new ChartroomError('REPO_NOT_FOUND', `no repository named ${name}`, { hint: 'chart repo list shows the configured ones' });
    const creds = this.credentials();
    delete creds[name];
    writeFileAtomic(this.credentialsFile, jsYaml().dump(creds), 0o600);
    writeFileAtomic(this.reposFile, jsYaml().dump({ repositories: repos.filter((r) => r.name !== name) }));
  }
}
