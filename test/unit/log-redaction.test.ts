// The redaction rule on the real logger (pino) and on the Temporal SDK's side of it (the Runtime
// logger that the worker, activity and workflow context loggers all write to), read from what the
// logger actually writes.
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { createLogger } from '../../observability/logger';
import { LOG_SUMMARY, redactForLog, scrubText, withLogSummary } from '../../observability/redact';
import { temporalLogger } from '../../observability/temporal-runtime';
import { toActivityFailure } from '../../activities/failures';
import { VinoshipperError } from '../../integrations/vinoshipper/classify';
import { EmailError } from '../../integrations/email/client';
import { ShopifyError } from '../../integrations/shopify/errors';

const CUSTOMER = 'Ada Lovelace, ada@example.com, 1 Vine St, Napa CA 94558, born 1985-12-10';
const PERSONAL = ['Ada Lovelace', 'Lovelace', 'ada@example.com', '1 Vine St', '1985-12-10'];

function capture(format: 'json' | 'pretty' = 'json') {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', format, process: 'test', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, text: () => lines.join('') };
}

function expectNoPersonalData(text: string): void {
  for (const value of PERSONAL) expect({ value, found: text.includes(value) }).toEqual({ value, found: false });
}

test("the SDK's 'Activity failed' warning keeps the failure's type and summary, not the vendor's words", () => {
  const { logger, lines, text } = capture();
  const failure = toActivityFailure(
    new VinoshipperError('configuration', `Vinoshipper answered 403 to PUT /orders/CH-1001: ${CUSTOMER}`, { status: 403, code: 'FORBIDDEN' }),
  );
  // What @temporalio/worker's activity.ts does when an activity throws.
  temporalLogger(logger).warn('Activity failed', { sdkComponent: 'worker', activityType: 'submitOrderToVinoshipper', error: failure, durationMs: 12 });

  expectNoPersonalData(text());
  const line = JSON.parse(lines[0]);
  expect(line).toMatchObject({
    level: 'warn',
    msg: 'Activity failed',
    process: 'test',
    activityType: 'submitOrderToVinoshipper',
    error: {
      type: 'ApplicationFailure',
      failureType: 'VinoshipperConfiguration',
      nonRetryable: true,
      message: 'Vinoshipper configuration, HTTP 403, code FORBIDDEN',
    },
  });
});

test('every vendor failure is summarised, and one without a summary is withheld by its type', () => {
  const errors = [
    new EmailError('permanent', `Resend HTTP 422 validation_error: ${CUSTOMER}`, 422, 'validation_error'),
    new ShopifyError('user_error', `Shopify refundCreate refused: ${CUSTOMER}`),
    new VinoshipperError('transient', `No answer from Vinoshipper (${CUSTOMER})`, { code: 'NETWORK_ERROR' }),
  ];
  const summaries = errors.map((err) => (toActivityFailure(err) as Record<symbol, unknown>)[LOG_SUMMARY]);
  expect(summaries).toEqual([
    'Resend permanent, HTTP 422, code validation_error',
    'Shopify user_error, no HTTP status',
    'Vinoshipper transient, no HTTP status, code NETWORK_ERROR',
  ]);
  // The failure's own message still carries the vendor's words (for the workflow and the merchant).
  expect((toActivityFailure(errors[0]) as Error).message).toContain('Lovelace');

  const bare = ApplicationFailure.nonRetryable(`Resend said: ${CUSTOMER}`, 'EmailRejected');
  const raw = new VinoshipperError('rejected', `Vinoshipper answered 422: ${CUSTOMER}`, { status: 422 });
  const text = JSON.stringify(redactForLog({ bare, raw }));
  expectNoPersonalData(text);
  expect(text).toContain("[vendor's message withheld from logs]");
});

test('a workflow failure wrapping a vendor failure is redacted down its causes', () => {
  const cause = withLogSummary(ApplicationFailure.retryable(`Vinoshipper 503: ${CUSTOMER}`, 'VinoshipperUnavailable'), 'Vinoshipper transient, HTTP 503');
  const wrapped = new ActivityFailure('Activity task failed', 'submitOrderToVinoshipper', '1', RetryState.MAXIMUM_ATTEMPTS_REACHED, 'worker-1', cause);
  const { logger, text } = capture();
  temporalLogger(logger).error('Workflow task failed', { sdkComponent: 'workflow', error: wrapped });
  expectNoPersonalData(text());
  expect(text()).toContain('Vinoshipper transient, HTTP 503');
});

test("a workflow's log call (through the Runtime logger) drops personal fields at any depth", () => {
  const { logger, lines } = capture();
  // What `log.info(...)` from @temporalio/workflow reaches the Runtime logger with: the workflow's own
  // attributes plus the sdkComponent and workflow ids the SDK adds.
  temporalLogger(logger).info('order received', {
    sdkComponent: 'workflow',
    workflowId: 'order:shop.myshopify.com:5001',
    shopifyOrderName: '#1001',
    snapshot: { email: 'ada@example.com' },
    order: {
      email: 'ada@example.com',
      customer: { firstName: 'Ada', lastName: 'Lovelace' },
      shippingAddress: { address1: '1 Vine St', city: 'Napa' },
      noteAttributes: [{ name: 'date_of_birth', value: '1985-12-10' }],
      lineItems: [{ sku: 'CAB-2021-750', quantity: 2 }],
    },
    reason: `cannot ship to ${CUSTOMER}`,
  });
  expectNoPersonalData(lines.join(''));
  const line = JSON.parse(lines[0]);
  expect(line.workflowId).toBe('order:shop.myshopify.com:5001');
  expect(line.shopifyOrderName).toBe('#1001');
  expect(line.order.lineItems).toEqual([{ sku: 'CAB-2021-750', quantity: 2 }]);
  expect(line.order.customer).toBe('[redacted]');
});

test('messages and plain errors keep their words with email addresses and dates masked; pretty output too', () => {
  const { logger, text } = capture('pretty');
  logger.info(`reminder for ada@example.com born 1985-12-10 at 2026-10-01T11:53:00.000Z`);
  logger.error(new Error('lookup failed for ada@example.com'));
  logger.warn({ err: new TypeError("Cannot read properties of undefined (reading 'address1')") }, 'mapping failed');
  const out = text();
  expect(out).toContain('reminder for [email] born [date] at 2026-10-01T11:53:00.000Z');
  expect(out).toContain('lookup failed for [email]');
  expect(out).toContain("Cannot read properties of undefined (reading 'address1')");
  expect(out).not.toContain('ada@example.com');
  expect(scrubText('x'.repeat(600)).length).toBe(500);
});

test("an activity's task token is not logged (it can complete the activity)", () => {
  const { logger, text } = capture();
  temporalLogger(logger).debug('Activity started', { taskToken: 'CiQwMWEyMzNkZS1kNWYz', activityType: 'checkVinoshipperCatalog' });
  expect(text()).not.toContain('CiQwMWEyMzNkZS1kNWYz');
  expect(text()).toContain('checkVinoshipperCatalog');
});

test('credentials are not logged: the Shopify token and client secret, API keys, Authorization headers', () => {
  const { logger, text } = capture();
  logger.info(
    {
      shopify: { auth: { kind: 'client_credentials', clientId: 'app-id-1', clientSecret: 'shpss_not-for-logs' }, accessToken: 'shpat_not-for-logs' },
      grant: { access_token: 'shpat_granted-not-for-logs', scope: 'write_orders' },
      vinoshipper: { apiKey: '1001.not-for-logs', apiSecret: 'vs-secret-not-for-logs' },
      headers: { Authorization: 'Bearer ops-token-not-for-logs' },
      webhookSecrets: ['whsec-not-for-logs'],
      resendApiKey: 're_not-for-logs',
    },
    'configuration read',
  );
  expect(text()).not.toMatch(/not-for-logs/);
  const line = JSON.parse(text());
  expect(line.shopify.auth).toEqual({ kind: 'client_credentials', clientId: 'app-id-1', clientSecret: '[redacted]' });
  expect(line.grant.scope).toBe('write_orders');
});
