// Free TCP ports on 127.0.0.1 for the processes a script or test starts.
import { randomInt } from 'node:crypto';
import net from 'node:net';

/** A port the kernel hands out as free (from its ephemeral range, 32768–60999 on Linux). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A free port below 32768, below the kernel's ephemeral range: the Temporal server keeps its
 * membership ports in a PostgreSQL SMALLINT column (cluster_membership.rpc_port), so a port of
 * 32768 or more makes it exit at start. Random tries, each checked by binding it.
 */
export async function freeLowPort({ from = 20_000, below = 32_768 }: { from?: number; below?: number } = {}): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = randomInt(from, below);
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port found between ${from} and ${below - 1} in 50 tries`);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
