// `npm run doctor`: checks the configuration against the services it names (Temporal, Shopify,
// Vinoshipper, Resend, the public webhook URL), prints one row per check with a fix for each
// failure, and exits 1 if any failed. `npm run doctor -- --fix` also registers missing search
// attributes where the Temporal server allows it. Reads .env like every other entry point.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runDoctor } from './doctor/run';
import { renderTable } from './doctor/rows';
import { projectRoot } from './temporal-binaries';

async function main(): Promise<number> {
  const envFile = path.join(projectRoot(), '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const fix = process.argv.includes('--fix');
  console.log(`cellarhand doctor${fix ? ' --fix' : ''}${existsSync(envFile) ? ' (with .env)' : ' (no .env: the sandbox defaults)'}\n`);
  const rows = await runDoctor(process.env, { fix });
  console.log(renderTable(rows));
  return rows.some((r) => r.status === 'fail') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`doctor stopped: ${err.message}`);
    process.exit(2);
  },
);
