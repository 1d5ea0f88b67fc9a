// `npm run provision`: locates or installs the Temporal CLI and test server (see
// temporal-binaries.ts) and says where each came from. Exit 1 with the reasons if either is missing.
//
// `--postinstall` (npm ci / npm install): skipped when CELLARHAND_SKIP_TEMPORAL_BINARIES=1, and a
// failure is printed but exits 0, so an install never breaks here; the first use fails loudly instead.
import { locateTemporalBinary, TemporalBinaryError, type TemporalBinary } from './temporal-binaries';

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
  if (failed && postinstall) {
    console.error('cellarhand: continuing the install without Temporal binaries; `npm start` and the tests need them.');
    return 0;
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
