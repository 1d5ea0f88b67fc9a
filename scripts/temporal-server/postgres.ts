// PostgreSQL for the native Temporal server: the operating system's PostgreSQL server binaries, and a
// private cluster of cellarhand's own (a data folder, its own port, listening on 127.0.0.1 only) —
// never the machine's system cluster. PostgreSQL refuses to run as root, so when we are root the
// cluster belongs to, and runs as, the `postgres` user that the OS packages create.
//
// The binaries (initdb and postgres, one folder) are looked for in this order:
//   1. CELLARHAND_POSTGRES_BIN (a folder; an explicit choice: it must hold both)
//   2. PATH
//   3. /usr/lib/postgresql/<major>/bin, newest first (Debian and Ubuntu keep them off PATH)
//   4. installed with `apt-get install postgresql` when we are root and apt-get exists
// and otherwise a PostgresError lists every source tried and says exactly what to install.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { findOnPath, isExecutable, isFile, readText, run, withLock } from '../lib/install-helpers';
import type { ProcessSpec } from '../lib/process-spec';

/** Temporal's SQL plugins `postgres12` and `postgres12_pgx` need PostgreSQL 12 or newer. */
export const MIN_POSTGRES_MAJOR = 12;

/** The credentials of the private cluster: the same as docker-compose.yml's (it is reachable from 127.0.0.1 only). */
export const CLUSTER_USER = 'temporal';
export const CLUSTER_PASSWORD = 'temporal';

export interface PostgresBinaries {
  /** The folder holding `postgres` and `initdb`. */
  bin: string;
  major: number;
  version: string;
  source: string;
}

export class PostgresError extends Error {
  constructor(message: string, tried: string[] = []) {
    super(tried.length ? `${message} Tried, in order:\n${tried.map((t, i) => `  ${i + 1}. ${t}`).join('\n')}\n${INSTALL_HINT}` : message);
    this.name = 'PostgresError';
  }
}

const INSTALL_HINT = `Install a PostgreSQL server, ${MIN_POSTGRES_MAJOR} or newer (Debian/Ubuntu: \`sudo apt-get install postgresql\`; Fedora: \`sudo dnf install postgresql-server\`; macOS: \`brew install postgresql@16\`), or set CELLARHAND_POSTGRES_BIN to the folder holding its \`postgres\` and \`initdb\`.`;

export interface PostgresBinaryOptions {
  /** Install with apt-get when missing (only as root). Default true. */
  install?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where Debian-style versioned folders are looked for. Default /usr/lib/postgresql. */
  versionedRoot?: string;
  log?: (line: string) => void;
}

export async function postgresBinaries(opts: PostgresBinaryOptions = {}): Promise<PostgresBinaries> {
  const env = opts.env ?? process.env;
  const versionedRoot = opts.versionedRoot ?? '/usr/lib/postgresql';
  const tried: string[] = [];

  if (env.CELLARHAND_POSTGRES_BIN) {
    const problem = binProblem(env.CELLARHAND_POSTGRES_BIN);
    if (problem) throw new PostgresError(`CELLARHAND_POSTGRES_BIN=${env.CELLARHAND_POSTGRES_BIN}: ${problem}.`);
    return describe(env.CELLARHAND_POSTGRES_BIN, 'CELLARHAND_POSTGRES_BIN');
  }
  tried.push('CELLARHAND_POSTGRES_BIN: not set');

  const candidates = (): Array<{ dir: string; where: string }> => {
    const found: Array<{ dir: string; where: string }> = [];
    const onPath = findOnPath('postgres', env);
    if (onPath) found.push({ dir: path.dirname(onPath), where: 'PATH' });
    const majors = existsSync(versionedRoot)
      ? readdirSync(versionedRoot)
          .filter((d) => /^\d+$/.test(d))
          .sort((a, b) => Number(b) - Number(a))
      : [];
    for (const major of majors) found.push({ dir: path.join(versionedRoot, major, 'bin'), where: versionedRoot });
    return found;
  };
  const pick = (): PostgresBinaries | string[] => {
    const problems: string[] = [];
    for (const { dir, where } of candidates()) {
      const problem = binProblem(dir);
      if (!problem) return describe(dir, where);
      problems.push(`${dir} (${where}): ${problem}`);
    }
    return problems;
  };

  let result = pick();
  if (!Array.isArray(result)) return result;
  tried.push(...result, ...(result.length ? [] : [`PATH and ${versionedRoot}/<major>/bin: no \`postgres\``]));

  if (opts.install === false) {
    tried.push('apt-get install postgresql: skipped, install: false');
  } else if (process.getuid?.() !== 0) {
    tried.push('apt-get install postgresql: not root, so not installing anything');
  } else if (!findOnPath('apt-get', env)) {
    tried.push('apt-get install postgresql: no apt-get on PATH');
  } else {
    try {
      opts.log?.('installing PostgreSQL from the OS packages (apt-get install postgresql)…');
      const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
      const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env: aptEnv, timeoutMs: 15 * 60_000 });
      await install().catch(async () => {
        await run('apt-get', ['update'], { env: aptEnv, timeoutMs: 10 * 60_000 }); // a fresh machine has no package lists yet
        await install();
      });
      result = pick();
      if (!Array.isArray(result)) return { ...result, source: `${result.source}, installed now with apt-get install postgresql` };
      tried.push(`apt-get install postgresql: installed, but still no server binaries (${result.join('; ')})`);
    } catch (err) {
      tried.push(`apt-get install postgresql: ${(err as Error).message}`);
    }
  }
  throw new PostgresError('No PostgreSQL server could be found or installed.', tried);
}

function binProblem(dir: string): string | undefined {
  const missing = ['postgres', 'initdb'].filter((b) => !isFile(path.join(dir, b)) || !isExecutable(path.join(dir, b)));
  if (missing.length) return `no executable ${missing.join(' or ')}`;
  const { major } = postgresVersion(dir);
  if (!(major >= MIN_POSTGRES_MAJOR)) return `PostgreSQL ${major || '?'} is older than ${MIN_POSTGRES_MAJOR}`;
  return undefined;
}

function postgresVersion(dir: string): { major: number; version: string } {
  try {
    const out = execFileSync(path.join(dir, 'postgres'), ['--version'], { encoding: 'utf8' }); // "postgres (PostgreSQL) 15.18 (Debian …)"
    const version = /\(PostgreSQL\)\s+(\S+)/.exec(out)?.[1] ?? '';
    return { major: Number(version.split('.')[0]), version };
  } catch {
    return { major: 0, version: '' };
  }
}

function describe(bin: string, source: string): PostgresBinaries {
  const { major, version } = postgresVersion(bin);
  return { bin, major, version, source };
}

/** The OS user the cluster runs as: ourselves, or `postgres` when we are root (PostgreSQL refuses root). */
export interface ClusterUser {
  name: string;
  uid?: number;
  gid?: number;
}

export function clusterUser(): ClusterUser {
  if (process.getuid?.() !== 0) return { name: 'the current user' };
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { name: 'postgres', uid, gid };
  } catch {
    throw new PostgresError(
      'Running as root, and PostgreSQL refuses to run as root, but there is no `postgres` user to run it as. Create one (`useradd --system --home /var/lib/postgresql postgres`; the OS packages do that) or run as an ordinary user.',
    );
  }
}

/**
 * A private PostgreSQL cluster in `dir` (data in `dir/data`), served on 127.0.0.1:`port`. The
 * superuser is `temporal` with password `temporal`, as in docker-compose.yml; TCP only, no socket file.
 */
export class PostgresCluster {
  readonly dataDir: string;

  constructor(
    readonly dir: string,
    readonly port: number,
    readonly binaries: PostgresBinaries,
    readonly user: ClusterUser = clusterUser(),
  ) {
    this.dataDir = path.join(dir, 'data');
  }

  /** Creates the cluster unless it exists (initdb, about a second); checks that an existing one is of this major version. */
  async init(): Promise<'created' | 'existing'> {
    const existing = readText(path.join(this.dataDir, 'PG_VERSION'));
    if (existing) {
      if (Number(existing) !== this.binaries.major)
        throw new PostgresError(
          `${this.dataDir} holds a PostgreSQL ${existing} cluster, but the server found is ${this.binaries.version} (${this.binaries.bin}). Point CELLARHAND_POSTGRES_BIN at a PostgreSQL ${existing} server, or remove ${this.dir} to start afresh (its workflows are lost).`,
        );
      return 'existing';
    }
    return withLock(this.dir, async () => {
      if (readText(path.join(this.dataDir, 'PG_VERSION'))) return 'existing';
      await mkdir(this.dir, { recursive: true });
      await rm(this.dataDir, { recursive: true, force: true }); // a half-made one from an interrupted initdb
      const { uid, gid } = this.user;
      if (uid !== undefined && gid !== undefined) {
        await chown(this.dir, uid, gid);
        await this.checkReachable();
      }
      const pwfile = path.join(this.dir, '.pwfile');
      await writeFile(pwfile, `${CLUSTER_PASSWORD}\n`, { mode: 0o600 });
      if (uid !== undefined && gid !== undefined) await chown(pwfile, uid, gid);
      try {
        await run(
          path.join(this.binaries.bin, 'initdb'),
          ['-D', this.dataDir, '-U', CLUSTER_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-instructions'],
          { env: { ...process.env, LC_ALL: 'C' }, timeoutMs: 120_000, uid, gid },
        );
      } catch (err) {
        throw new PostgresError(`initdb of ${this.dataDir} (as ${this.user.name}) failed: ${(err as Error).message}`);
      } finally {
        await rm(pwfile, { force: true });
      }
      return 'created';
    });
  }

  /** The server in the foreground (its log on stderr): SIGINT is PostgreSQL's fast shutdown, SIGKILL a crash. */
  spec(): ProcessSpec {
    return {
      command: path.join(this.binaries.bin, 'postgres'),
      args: [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        // Several Temporal servers (tests, a dedicated one per suite) may share a machine: 20 + 10 connections each.
        '-c',
        'max_connections=200',
      ],
      env: { LC_ALL: 'C' },
      uid: this.user.uid,
      gid: this.user.gid,
    };
  }

  /** True once the server accepts sessions (not merely TCP connections, which it takes while starting up). */
  ready(): Promise<boolean> {
    return acceptsSessions(this.port);
  }

  /** Environment of the Temporal server and schema tool for this cluster, in the server's own variable names. */
  connectionEnv(): Record<string, string> {
    return { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: String(this.port), POSTGRES_USER: CLUSTER_USER, POSTGRES_PWD: CLUSTER_PASSWORD };
  }

  private async checkReachable(): Promise<void> {
    try {
      execFileSync('test', ['-w', this.dir, '-a', '-x', this.dir], { uid: this.user.uid, gid: this.user.gid });
    } catch {
      throw new PostgresError(
        `PostgreSQL runs as user ${this.user.name} (it refuses root), which cannot reach ${this.dir}. Let it through the folders above (chmod o+x on each), or work in a clone outside a private home folder.`,
      );
    }
  }
}

/**
 * Sends a PostgreSQL startup message and reads the first reply: an authentication request ('R')
 * means the server takes sessions; an error ('E', e.g. 57P03 "the database system is starting up")
 * or no answer means not yet.
 */
function acceptsSessions(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 2_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => {
      const params = Buffer.from(`user\0${CLUSTER_USER}\0database\0postgres\0\0`);
      const head = Buffer.alloc(8);
      head.writeInt32BE(8 + params.length, 0);
      head.writeInt32BE(196608, 4); // protocol 3.0
      socket.write(Buffer.concat([head, params]));
    });
    socket.once('data', (data) => done(data[0] === 0x52)); // 'R'
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
    socket.once('close', () => done(false));
  });
}
