// Free TCP ports on 127.0.0.1 for the processes a script or test starts.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Ports this process handed out: two calls (e.g. in one Promise.all) never get the same one. */
const handedOut = new Set<number>();
let range: { from: number; below: number } | undefined;

/**
 * A free port below 32768 and below the kernel's ephemeral range (32768–60999 on Linux), random
 * tries each checked by binding it. Below 32768: the Temporal server keeps its membership ports in a
 * PostgreSQL SMALLINT column (cluster_membership.rpc_port) and exits at start on a larger one. Below
 * the ephemeral range: a port from it, free when checked, can be taken by any outgoing connection
 * before its process listens (under the benchmark's load the API's metrics server met EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const { from, below } = (range ??= lowRange());
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = randomInt(from, below);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port found between ${from} and ${below - 1} in 50 tries`);
}

/** Up to 12,768 ports under the lower of 32768 and the ephemeral range's start (Linux; IANA's elsewhere). */
function lowRange(): { from: number; below: number } {
  let ephemeralStart = 49_152;
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(start) && start > 1_024) ephemeralStart = start;
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  const below = Math.min(32_768, ephemeralStart);
  return { from: Math.max(1_024, Math.min(20_000, below - 4_096)), below };
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
