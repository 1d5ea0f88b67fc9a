// The catalogue check as the ops API (and the check itself) sees it in Temporal: the newest
// completed run's result, the runs still going, and "run one now and wait for it a while".
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { CATALOG_CHECK_ON_DEMAND_ID, CATALOG_CHECK_WORKFLOW_TYPE, type CatalogCheckReport } from '../domain';

/** Completed runs are listed newest first (by close time); a few suffice to find the newest. */
const RECENT_RUNS = 20;

export type CatalogCheckRun =
  { outcome: 'done'; report: CatalogCheckReport } | { outcome: 'running'; workflowId: string } | { outcome: 'failed'; message: string };

/** How long "run the check now" waits for the report by default (the ops API's `wait`, the console's button). */
export const RUN_NOW_WAIT_MS = 20_000;

export class CatalogChecks {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** The result of the newest completed check (decoded by this client's codec), or null before the first. */
  /** What the ops API and the console show: the latest report and the checks running now. */
  async status(): Promise<{ latest: CatalogCheckReport | null; running: { workflowId: string; startedAt: string }[] }> {
    const [latest, running] = await Promise.all([this.latest(), this.running()]);
    return { latest, running };
  }

  async latest(): Promise<CatalogCheckReport | null> {
    const query = `WorkflowType="${CATALOG_CHECK_WORKFLOW_TYPE}" AND ExecutionStatus="Completed" AND TaskQueue="${this.taskQueue}"`;
    let newest: { workflowId: string; runId: string; closeTime: Date } | null = null;
    let seen = 0;
    for await (const run of this.client.workflow.list({ query, pageSize: RECENT_RUNS })) {
      if (run.closeTime && (!newest || run.closeTime > newest.closeTime)) newest = { workflowId: run.workflowId, runId: run.runId, closeTime: run.closeTime };
      if (++seen >= RECENT_RUNS) break;
    }
    if (!newest) return null;
    return (await this.client.workflow.getHandle(newest.workflowId, newest.runId).result()) as CatalogCheckReport;
  }

  async running(): Promise<{ workflowId: string; startedAt: string }[]> {
    const query = `WorkflowType="${CATALOG_CHECK_WORKFLOW_TYPE}" AND ExecutionStatus="Running" AND TaskQueue="${this.taskQueue}"`;
    const runs: { workflowId: string; startedAt: string }[] = [];
    for await (const run of this.client.workflow.list({ query, pageSize: RECENT_RUNS }))
      runs.push({ workflowId: run.workflowId, startedAt: run.startTime.toISOString() });
    return runs;
  }

  /** Starts a check (or joins the on-demand one already running) and waits up to `waitMs` for its result. */
  async runNow(waitMs: number): Promise<CatalogCheckRun> {
    const handle = await this.client.workflow.start(CATALOG_CHECK_WORKFLOW_TYPE, {
      workflowId: CATALOG_CHECK_ON_DEMAND_ID,
      taskQueue: this.taskQueue,
      args: [],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: 'Catalogue check, on demand',
    });
    const deadline = AbortSignal.timeout(Math.max(1, waitMs));
    try {
      return { outcome: 'done', report: (await this.client.withAbortSignal(deadline, () => handle.result())) as CatalogCheckReport };
    } catch (err) {
      if (deadline.aborted) return { outcome: 'running', workflowId: handle.workflowId };
      if (err instanceof WorkflowFailedError) return { outcome: 'failed', message: err.cause?.message ?? err.message };
      throw err;
    }
  }
}
