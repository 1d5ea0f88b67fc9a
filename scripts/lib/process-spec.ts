// How to run one long-lived program of a stack (PostgreSQL, the Temporal server, the Web UI server,
// a Node part), and spawning it: start.ts and LocalStack each keep their own bookkeeping of what runs.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ProcessSpec {
  command: string;
  args: string[];
  /** Added to the parent's environment, or the whole environment when `inheritEnv` is false. */
  env: Record<string, string>;
  /** Default true. False for programs whose config templates read variables like ours. */
  inheritEnv?: boolean;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

/** Spawns with piped output. `detached`: its own process group, so a whole group can be signalled. */
export function spawnProcess(
  spec: ProcessSpec,
  opts: { cwd: string; parentEnv: NodeJS.ProcessEnv; detached?: boolean },
): ChildProcessByStdio<null, Readable, Readable> {
  const env = spec.inheritEnv === false ? spec.env : { ...opts.parentEnv, ...spec.env };
  return spawn(spec.command, spec.args, { cwd: opts.cwd, env, uid: spec.uid, gid: spec.gid, detached: opts.detached, stdio: ['ignore', 'pipe', 'pipe'] });
}
