// `npm run provision`: locates or installs the Temporal CLI and test server (see
// temporal-binaries.ts) and says where each came from. Exit 1 with the reasons if either is missing.
//
// `npm run provision -- --postgres` also provisions the PostgreSQL backend (temporal-server/): the
// Temporal server and its schema tool (built on first use: minutes), the Web UI server and
// PostgreSQL. Never part of the postinstall: a build that long belongs to a command that says so.
//
// `--postinstall` (npm ci / npm install): skipped when CELLARHAND_SKIP_TEMPORAL_BINARIES=1, and a
// failure is printed but exits 0, so an install never breaks here; the first use fails loudly instead.
import { locateTemporalBinary, TemporalBinaryError, type TemporalBinary } from './temporal-binaries';
import { temporalServerBinaries, TemporalServerBinaryError, temporalUiServer } from './temporal-server/binaries';
import { PostgresError, postgresBinaries } from './temporal-server/postgres';

const LABELS: Record<TemporalBinary, string> = { cli: 'temporal', testServer: 'temporal-test-server' };

async function main(): Promise<number> {
  const postinstall = process.argv.includes('--postinstall');
  if (postinstall && process.env.CELLARHAND_SKIP_TEMPORAL_BINARIES === '1') return 0;

  let failed = false;
  for (const which of ['cli', 'testServer'] as const) {
    try {
      const { executable, source } = await locateTemporalBinary(which);
      const where = executable.type === 'existing-path' ? executable.path : 'downloaded by the SDK on first use';
      console.log(`${LABELS[which]}: ${where} (${source})`);
    } catch (err) {
      if (!(err instanceof TemporalBinaryError)) throw err;
      console.error(err.message);
      failed = true;
    }
  }
  if (process.argv.includes('--postgres') && !postinstall) failed = (await provisionPostgresBackend()) || failed;
  if (failed && postinstall) {
    console.error('cellarhand: continuing the install without Temporal binaries; `npm start` and the tests need them.');
    return 0;
  }
  return failed ? 1 : 0;
}

/** True when something is missing. */
async function provisionPostgresBackend(): Promise<boolean> {
  const log = (line: string) => console.log(`  ${line}`);
  const steps: Array<[string, () => Promise<string>]> = [
    [
      'temporal-server, temporal-sql-tool',
      async () => {
        const startedAt = Date.now();
        const b = await temporalServerBinaries({ log });
        return `${b.server}, ${b.sqlTool} (${b.source}; ${((Date.now() - startedAt) / 1000).toFixed(0)} s)`;
      },
    ],
    ['temporal-ui-server', async () => (await temporalUiServer({ log })).binary],
    [
      'postgres',
      async () => {
        const pg = await postgresBinaries({ log });
        return `PostgreSQL ${pg.version} in ${pg.bin} (${pg.source})`;
      },
    ],
  ];
  let failed = false;
  for (const [label, step] of steps) {
    try {
      console.log(`${label}: ${await step()}`);
    } catch (err) {
      if (!(err instanceof TemporalServerBinaryError || err instanceof PostgresError)) throw err;
      console.error(err.message);
      failed = true;
    }
  }
  return failed;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
