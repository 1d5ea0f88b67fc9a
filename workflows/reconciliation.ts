// One reconciliation run, started by the `cellarhand-reconcile-orders` schedule: pick the window,
// hand every Shopify order changed in it to its workflow, say what was done. Deterministic: the
// clock is the workflow's, the I/O is in the activities.
import { proxyActivities, setCurrentDetails, upsertMemo, workflowInfo } from '@temporalio/workflow';
import {
  DEFAULT_RECONCILIATION_SETTINGS,
  NON_RETRYABLE_FAILURE_TYPES,
  reconciliationSummary,
  reconciliationWindowStart,
  type ReconciliationActivities,
  type ReconciliationResult,
  type ReconciliationSettings,
} from '../domain';

const visibility = proxyActivities<ReconciliationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
});
// Pages through the Admin API and heartbeats its cursor: a retried attempt resumes where the last
// one stopped. A run that still fails is harmless: the next run starts from the last *completed* one.
const shopify = proxyActivities<ReconciliationActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

export async function reconcileOrdersWorkflow(input: Partial<ReconciliationSettings> = {}): Promise<ReconciliationResult> {
  const settings: ReconciliationSettings = { ...DEFAULT_RECONCILIATION_SETTINGS, ...input };
  setCurrentDetails('Looking for the last completed reconciliation…');
  const history = await visibility.reconciliationHistory();
  const since = new Date(reconciliationWindowStart(Date.now(), history, settings)).toISOString();
  setCurrentDetails(`Listing Shopify orders changed since ${since}…`);

  const counts = await shopify.reconcileOrders({ since });
  const summary = reconciliationSummary(since, counts);
  upsertMemo({ summary });
  setCurrentDetails(
    [
      `**${summary}**`,
      '',
      `| window starts | listed | handed to their workflow | already finished | pages |`,
      `|---|---|---|---|---|`,
      `| ${since} | ${counts.listed} | ${counts.delivered} | ${counts.finished} | ${counts.pages} |`,
      '',
      history.lastCompletedRunStartedAt
        ? `Previous completed run started ${history.lastCompletedRunStartedAt}; overlap ${Math.round(settings.overlapMs / 1000)} s.`
        : `No completed run before this one: window from the schedule's creation (${history.scheduleCreatedAt ?? 'unknown'}).`,
      `Run ${workflowInfo().runId}.`,
    ].join('\n'),
  );
  return { since, ...counts, summary };
}
