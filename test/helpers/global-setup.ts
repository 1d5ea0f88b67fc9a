// Runs once per `npm test`: finds (or provisions) the Temporal binaries and bundles the workflow
// code once, so no test pays for webpack. Results travel to the test files as env vars.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { temporalCli, temporalTestServer } from '../../scripts/temporal-binaries';
import { FAILURE_CONVERTER_PATH } from '../../temporal/data-converter';

export default async function globalSetup(): Promise<void> {
  const [cli, testServer] = await Promise.all([temporalCli({ install: true }), temporalTestServer({ install: true })]);
  process.env.CELLARHAND_TEST_CLI = JSON.stringify(cli);
  process.env.CELLARHAND_TEST_TEST_SERVER = JSON.stringify(testServer);

  const dir = join(__dirname, '..', '..', '.cellarhand', 'test');
  mkdirSync(dir, { recursive: true });
  const codePath = join(dir, 'workflow-bundle.js');
  // The workflow side of failure conversion lives in the bundle: failure messages stay encoded.
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quietLogger,
  });
  writeFileSync(codePath, code);
  process.env.CELLARHAND_TEST_WORKFLOW_BUNDLE = codePath;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };
