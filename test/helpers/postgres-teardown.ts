// Stops what postgres-setup.ts started (the server, then PostgreSQL) and removes its cluster.
export default async function postgresTeardown(): Promise<void> {
  await globalThis.cellarhandPostgresServer?.stop();
  globalThis.cellarhandPostgresServer = undefined;
}
