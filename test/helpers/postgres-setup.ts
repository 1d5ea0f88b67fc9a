// `npm run test:postgres` (jest.postgres.config.js): the end-to-end suites against the production
// Temporal server on PostgreSQL instead of a dev server each. After the usual global setup, one
// server and its private cluster start here for the whole run (postgres-teardown.ts stops them);
// each suite gets a fresh namespace on it (test/helpers/stack.ts). The server's output goes to
// .cellarhand/test/postgres-server.log.
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { LocalStack } from '../../scripts/lib/local-stack';
import { projectRoot } from '../../scripts/temporal-binaries';
import globalSetup from './global-setup';

/** Set (to "1") for the test files when they run against PostgreSQL. */
export const POSTGRES_BACKEND = 'CELLARHAND_TEST_POSTGRES';
/** The shared server's frontend, host:port. */
export const POSTGRES_SERVER_ADDRESS = 'CELLARHAND_TEST_POSTGRES_ADDRESS';

declare global {
  var cellarhandPostgresServer: LocalStack | undefined;
}

export default async function postgresSetup(): Promise<void> {
  await globalSetup();
  const dir = path.join(projectRoot(), '.cellarhand', 'test');
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'postgres-server.log');
  const log = createWriteStream(logFile);
  const startedAt = Date.now();
  const server = await LocalStack.start({ backend: 'postgres', parts: [], log: (part, line) => log.write(`[${part}] ${line}\n`) });
  globalThis.cellarhandPostgresServer = server;
  process.env[POSTGRES_BACKEND] = '1';
  process.env[POSTGRES_SERVER_ADDRESS] = server.config.temporal.address;
  console.log(
    `\nTemporal server on PostgreSQL at ${server.config.temporal.address}, up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (output: ${path.relative(process.cwd(), logFile)})`,
  );
}
