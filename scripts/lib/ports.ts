// Free TCP ports on 127.0.0.1 for the processes a script or test starts.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Ports this process handed out: two calls (e.g. in one Promise.all) never get the same one. */
const handedOut = new Set<number>();

/**
 * A free port below the kernel's ephemeral range (32768–60999 on Linux). A port from that range,
 * free when checked, can be taken by any outgoing connection before the process it was meant for
 * listens on it: under the benchmark's load the API's metrics server once met EADDRINUSE at start.
 */
export function freePort(): Promise<number> {
  return freeLowPort();
}

/**
 * A free port below 32768 (and the ephemeral range): the Temporal server keeps its membership ports
 * in a PostgreSQL SMALLINT column (cluster_membership.rpc_port), so a port of 32768 or more makes it
 * exit at start. Random tries, each checked by binding it.
 */
export async function freeLowPort(range: { from?: number; below?: number } = {}): Promise<number> {
  const below = range.below ?? Math.min(32_768, ephemeralRangeStart());
  const from = range.from ?? Math.max(1_024, Math.min(20_000, below - 4_096));
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = randomInt(from, below);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port found between ${from} and ${below - 1} in 50 tries`);
}

/** The first port of the kernel's ephemeral range (Linux), or the IANA one elsewhere. */
function ephemeralRangeStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(start) && start > 1_024) return start;
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return 49_152;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
