// Runs once per `npm test`: finds (or provisions) the Temporal binaries and bundles the workflow
// code once, so no test pays for webpack. Results travel to the test files as env vars.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporalCli, temporalTestServer } from '../../scripts/temporal-binaries';
import { workflowBundle } from '../../worker/workflow-bundle';

export default async function globalSetup(): Promise<void> {
  const [cli, testServer] = await Promise.all([temporalCli({ install: true }), temporalTestServer({ install: true })]);
  process.env.CELLARHAND_TEST_CLI = JSON.stringify(cli);
  process.env.CELLARHAND_TEST_TEST_SERVER = JSON.stringify(testServer);

  // The worker's own bundle cache (worker/workflow-bundle.ts): rebuilt only when the workflow code changed.
  const bundle = await workflowBundle({ log: (line) => line.startsWith('building') && console.log(`\n${line}`) });
  let codePath: string;
  if ('codePath' in bundle) codePath = bundle.codePath;
  else {
    const dir = join(__dirname, '..', '..', '.cellarhand', 'test');
    mkdirSync(dir, { recursive: true });
    codePath = join(dir, 'workflow-bundle.js');
    writeFileSync(codePath, bundle.code);
  }
  process.env.CELLARHAND_TEST_WORKFLOW_BUNDLE = codePath;
}
