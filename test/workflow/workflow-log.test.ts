// Workflow code logs through `log` from @temporalio/workflow, which the SDK hands to the Runtime
// logger outside the sandbox. With cellarhand's runtime installed, those lines pass the same
// redaction as every other: a real worker runs a workflow that logs a customer, on a real server.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createLogger } from '../../observability/logger';
import { installTemporalRuntime } from '../../observability/temporal-runtime';
import { loggingWorkflow } from './fixtures/log-workflow';

jest.setTimeout(120_000);

const lines: string[] = [];
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  installTemporalRuntime({
    logger: createLogger({ level: 'debug', format: 'json', process: 'test', destination: { write: (line: string) => void lines.push(line) } }),
  });
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: JSON.parse(process.env.CELLARHAND_TEST_CLI!), log: { format: 'pretty', level: 'error' } },
  });
});

afterAll(async () => {
  await env?.teardown();
});

test("a workflow's log lines reach the logger with personal data redacted", async () => {
  const taskQueue = `workflow-log-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('./fixtures/log-workflow') });
  const customer = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', address1: '1 Vine St', dateOfBirth: '1985-12-10' };
  await worker.runUntil(env.client.workflow.execute(loggingWorkflow, { taskQueue, workflowId: `log-${randomUUID()}`, args: [customer] }));
  await new Promise((r) => setTimeout(r, 300)); // forwarded logs are sorted in a 100 ms buffer

  const output = lines.join('');
  for (const value of ['Lovelace', 'ada@example.com', '1 Vine St', '1985-12-10'])
    expect({ value, found: output.includes(value) }).toEqual({ value, found: false });
  const logged = lines.map((line) => JSON.parse(line)).filter((l) => l.sdkComponent === 'workflow');
  expect(logged).toEqual([
    expect.objectContaining({
      level: 'info',
      msg: 'order received',
      shopifyOrderName: '#1001',
      customer: '[redacted]',
      email: '[redacted]',
      shippingAddress: '[redacted]',
    }),
    expect.objectContaining({ level: 'warn', msg: 'could not verify [email], born [date]', workflowType: 'loggingWorkflow' }),
  ]);
});
