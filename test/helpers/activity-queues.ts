// Where a workflow run scheduled its activities, read from its recorded history: the tests' proof
// that a Vinoshipper or Resend call went to its rate-limited task queue (the deployment's budget),
// whatever queues the test's worker polls.
import type { Client } from '@temporalio/client';

/** The newest run of `workflowType` (or the run of `workflowId`): activity type → the task queue it was scheduled on. */
export async function activityQueues(client: Client, run: { workflowType: string } | { workflowId: string }): Promise<Record<string, string>> {
  let handle;
  if ('workflowId' in run) handle = client.workflow.getHandle(run.workflowId);
  else {
    const runs = [];
    for await (const r of client.workflow.list({ query: `WorkflowType="${run.workflowType}"` })) runs.push(r);
    const newest = runs.sort((a, b) => b.startTime.getTime() - a.startTime.getTime())[0];
    if (!newest) throw new Error(`no run of ${run.workflowType} found`);
    handle = client.workflow.getHandle(newest.workflowId, newest.runId);
  }
  const { events } = await handle.fetchHistory();
  return Object.fromEntries(
    (events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a ? [[a.activityType!.name!, a.taskQueue!.name!]] : [];
    }),
  );
}
