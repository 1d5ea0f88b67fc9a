// Activity options the shop-level workflows (alert digest, catalogue check, daily digest) share.
import type { ActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURE_TYPES } from '../domain';

/** Resend allows 2 requests/s per team: room to wait out a 429, as the order workflow's emails have. */
export const EMAIL_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 8, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
};

/** Temporal itself (visibility, signals to other workflows): quick, retried a few times. */
export const TEMPORAL_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
};
