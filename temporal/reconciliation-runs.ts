// What Temporal knows about the reconciliation schedule's runs: when the newest completed run
// started (visibility) and when the schedule was created. Read by the reconciliation activity (where
// the next run starts from) and by the worker's metrics (whether reconciliation keeps succeeding).
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { RECONCILIATION_SCHEDULE_ID, RECONCILIATION_WORKFLOW_TYPE, type ReconciliationHistory } from '../domain';

/** Completed runs are listed newest first (by close time); a few suffice to find the newest start. */
const RECENT_RUNS = 20;

export async function reconciliationHistory(client: Client, taskQueue: string): Promise<ReconciliationHistory> {
  const query = `WorkflowType="${RECONCILIATION_WORKFLOW_TYPE}" AND ExecutionStatus="Completed" AND TaskQueue="${taskQueue}"`;
  let last: Date | null = null;
  let seen = 0;
  for await (const run of client.workflow.list({ query, pageSize: RECENT_RUNS })) {
    if (!last || run.startTime > last) last = run.startTime;
    if (++seen >= RECENT_RUNS) break;
  }
  let created: Date | null = null;
  try {
    created = (await client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID).describe()).info.createdAt;
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  return { lastCompletedRunStartedAt: last?.toISOString() ?? null, scheduleCreatedAt: created?.toISOString() ?? null };
}
