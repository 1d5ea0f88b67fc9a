// Turns each external system's classified errors into the ApplicationFailures the workflow reads:
// outages stay retryable (the activity's bounded policy retries them), mistakes do not. Each failure
// carries a log summary (system, kind, status, code): the SDK logs failed activities, and the message
// itself may quote the vendor's answer (observability/redact.ts).
import { ApplicationFailure } from '@temporalio/activity';
import { FAILURE_TYPES } from '../domain';
import { VinoshipperError } from '../integrations/vinoshipper/classify';
import { ShopifyError } from '../integrations/shopify/errors';
import { EmailError } from '../integrations/email/client';
import { withLogSummary } from '../observability/redact';

export function toActivityFailure(err: unknown): unknown {
  const failure = vendorFailure(err);
  return failure ? withLogSummary(failure, logSummary(err as VinoshipperError | ShopifyError | EmailError)) : err;
}

function vendorFailure(err: unknown): ApplicationFailure | undefined {
  if (err instanceof VinoshipperError) {
    switch (err.kind) {
      case 'transient':
        return ApplicationFailure.retryable(err.message, FAILURE_TYPES.vinoshipperUnavailable);
      case 'configuration':
        return ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.vinoshipperConfiguration);
      case 'conflict':
        return ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.vinoshipperConflict);
      default:
        // A 400/404 we did not expect here means our request is wrong: report, don't spin.
        return ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.vinoshipperConfiguration);
    }
  }
  if (err instanceof ShopifyError) {
    if (err.kind === 'transient') return ApplicationFailure.retryable(err.message, FAILURE_TYPES.shopifyUnavailable);
    if (err.kind === 'configuration') return ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.shopifyConfiguration);
    return ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.shopifyRejected);
  }
  if (err instanceof EmailError) {
    return err.kind === 'transient'
      ? ApplicationFailure.retryable(err.message, FAILURE_TYPES.emailUnavailable)
      : ApplicationFailure.nonRetryable(err.message, FAILURE_TYPES.emailRejected);
  }
  return undefined;
}

/** What a log may say: who answered, how it was classified, status and code; not the vendor's words. */
function logSummary(err: VinoshipperError | ShopifyError | EmailError): string {
  const status = err instanceof EmailError ? err.statusCode : err.status;
  const code = err instanceof VinoshipperError ? err.code : err instanceof EmailError ? err.resendName : null;
  const system = err instanceof VinoshipperError ? 'Vinoshipper' : err instanceof ShopifyError ? 'Shopify' : 'Resend';
  return [`${system} ${err.kind}`, status === null ? 'no HTTP status' : `HTTP ${status}`, code ? `code ${code}` : null].filter(Boolean).join(', ');
}

/** Runs an activity body, classifying whatever it throws. */
export async function classified<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
