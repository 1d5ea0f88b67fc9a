// What the report says about the machine, and how busy it was with other work while the bench ran.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Backend } from '../lib/local-stack';
import { temporalCli } from '../temporal-binaries';
import { temporalServerBinaries } from '../temporal-server/binaries';
import { postgresBinaries } from '../temporal-server/postgres';

export interface Machine {
  cores: number;
  model: string;
  memoryBytes: number;
  node: string;
  os: string;
  temporalCli: string;
  /** The PostgreSQL backend's server and database, e.g. "1.32.1 on PostgreSQL 15.18"; null on the dev server. */
  temporalServer: string | null;
  loadAverageAtStart: number[];
}

export async function describeMachine(backend: Backend = 'dev'): Promise<Machine> {
  const cli = await temporalCli({ install: false });
  let temporalVersion = 'unknown';
  if (cli.type === 'existing-path') {
    try {
      temporalVersion = execFileSync(cli.path, ['--version'], { encoding: 'utf8' })
        .trim()
        .replace(/^temporal version /, '');
    } catch {
      // keep "unknown"
    }
  }
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    model: cpus[0]?.model?.trim() || 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    temporalCli: temporalVersion,
    temporalServer: backend === 'postgres' ? await describePostgresBackend() : null,
    loadAverageAtStart: os.loadavg(),
  };
}

/**
 * CPU seconds the whole machine spent busy, and the part of it this process and its children
 * (every process the bench started, once they have exited and been reaped) account for. The
 * difference is other work on the machine: other people's test runs, say.
 */
export class CpuMeter {
  private readonly machine0 = machineBusySeconds();
  private readonly ours0 = ourSeconds();
  private readonly wall0 = Date.now();

  /** Call when every child process has exited. */
  read(): { wallSec: number; capacitySec: number; busySec: number; oursSec: number; otherSec: number } {
    const wallSec = (Date.now() - this.wall0) / 1000;
    const busySec = machineBusySeconds() - this.machine0;
    const oursSec = ourSeconds() - this.ours0;
    return { wallSec, capacitySec: wallSec * os.cpus().length, busySec, oursSec, otherSec: Math.max(0, busySec - oursSec) };
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq] = fields;
  return (user + nice + system + irq + softirq) / TICKS_PER_SECOND;
}

function ourSeconds(): number {
  // Fields after the command: utime(14) stime(15) cutime(16) cstime(17), counted from 1.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (
    fields
      .slice(11, 15)
      .map(Number)
      .reduce((a, b) => a + b, 0) / TICKS_PER_SECOND
  );
}

/** Provisions if needed (the first run builds the server), so that the version is known before any part starts. */
async function describePostgresBackend(): Promise<string> {
  const [server, postgres] = await Promise.all([temporalServerBinaries({ log: (line) => console.error(line) }), postgresBinaries()]);
  const version = execFileSync(server.server, ['--version'], { encoding: 'utf8' })
    .trim()
    .replace(/^temporal version /, '');
  return `${version} on PostgreSQL ${postgres.version}`;
}
