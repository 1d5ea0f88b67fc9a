// `npm run sandbox`: the Shopify, Vinoshipper and Resend stand-ins on one port. Their state is kept
// in .cellarhand/data next to the dev server's temporal.db, so a restart of `npm start` resumes
// the workflows against the same orders (and the store does not hand out #1001 a second time).
// Delete .cellarhand/data to start over with both.
import path from 'node:path';
import { loadConfigOrExit } from '../config';
import { projectRoot } from '../scripts/temporal-binaries';
import { createSandbox } from '.';

const config = loadConfigOrExit();
const stateFile = config.sandbox.stateFile ? path.resolve(projectRoot(), config.sandbox.stateFile) : undefined;
const sandbox = createSandbox(config, config.sandbox.url, { stateFile });
const server = sandbox.app.listen(config.sandbox.port, () => {
  console.log(`sandbox listening on ${config.sandbox.url} (Shopify /shopify, Vinoshipper /vinoshipper/api/v3/p, Resend /resend, control /sandbox/*)`);
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeAllConnections();
  await sandbox.close(); // the last changes, not only those older than the save delay
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
