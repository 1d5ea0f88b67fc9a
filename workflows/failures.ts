// Reading what an activity's failure says, once for every workflow.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../domain';

/** The `ApplicationFailure.type` an activity threw (activities/failures.ts), if any. */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

export function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Shopify refused the call, so it was not made (a user error, refused credentials or scope). Any
 * other failure after every retry — a lost reply, an outage, a timeout — may have gone through.
 */
export function shopifyRefused(err: unknown): boolean {
  const type = failureType(err);
  return type === FAILURE_TYPES.shopifyRejected || type === FAILURE_TYPES.shopifyConfiguration;
}

/** Vinoshipper refused our credentials (a person must fix the configuration) rather than being down. */
export function isCredentialsFailure(err: unknown): boolean {
  return failureType(err) === FAILURE_TYPES.vinoshipperConfiguration;
}

/** The key of a `vinoshipper_unreachable` issue's cause: the credentials, or an outage. */
export function unreachableCauseKey(err: unknown): 'credentials' | 'outage' {
  return isCredentialsFailure(err) ? 'credentials' : 'outage';
}

export function unreachableDetails(err: unknown): string {
  if (isCredentialsFailure(err)) {
    return `Vinoshipper refused cellarhand’s credentials: check VINOSHIPPER_API_KEY and VINOSHIPPER_API_SECRET. (${failureMessage(err)})`;
  }
  return `Vinoshipper did not answer after several attempts: ${failureMessage(err)}. cellarhand will try again automatically.`;
}
