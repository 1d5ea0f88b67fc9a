// What the provisioning scripts share (temporal-binaries.ts for the CLI and test server,
// temporal-server/ for the server, its tools and PostgreSQL): running an installer with its output
// boiled down to one line, a cross-process install lock, and looking for executables.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  cwd?: string;
  /** Run as this user (when we are root and the program refuses root, as PostgreSQL's do). */
  uid?: number;
  gid?: number;
}

/** Runs a command, capturing its output (the last 64 kB, returned); rejects with the gist of it on failure. */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, uid: opts.uid, gid: opts.gid, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-64_000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(output);
      else reject(new Error(`${signal ? `killed (${signal})` : `exit ${code}`}: ${gist(output)}`));
    });
  });
}

/** The first error lines, else the last lines: enough to say why, short enough for one list entry. */
export function gist(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('go: downloading'));
  const errors = lines.filter((l) => /error/i.test(l));
  const text = (errors.length ? errors.slice(0, 2) : lines.slice(-3)).join(' ');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text || '(no output)';
}

/**
 * Serialises installs across processes (jest's global setup and `npm start` may race) with a lock
 * directory holding the owner's pid; a lock whose owner is gone is taken over.
 */
export async function withLock<T>(dir: string, fn: () => Promise<T>, { waitMs = 20 * 60_000 }: { waitMs?: number } = {}): Promise<T> {
  const lock = path.join(dir, 'install.lock');
  await fs.mkdir(dir, { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await fs.mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (lockIsStale(lock)) {
      await fs.rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}; remove it if no install is running`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await fs.writeFile(path.join(lock, 'pid'), String(process.pid));
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

function lockIsStale(lock: string): boolean {
  const pid = Number(readText(path.join(lock, 'pid')));
  if (!pid) {
    // Between mkdir and writing the pid, or left by a crash right then.
    try {
      return Date.now() - statSync(lock).mtimeMs > 10_000;
    } catch {
      return false; // just removed by its owner
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function findOnPath(file: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, file);
    if (isFile(candidate) && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export async function makeExecutable(file: string): Promise<void> {
  if (!isExecutable(file)) await fs.chmod(file, 0o755);
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function readText(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return undefined;
  }
}
