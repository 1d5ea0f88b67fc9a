// What a workflow's recorded history costs: Temporal Cloud's billable actions, counted the way its
// documentation lists them (docs.temporal.io/cloud/actions): a workflow start (client start,
// continue-as-new, child), one action per Signal-With-Start, every signal, every timer (`condition`
// with a timeout included), every search-attribute upsert, every activity attempt (retries
// included), every accepted Update, local-activity and side-effect markers once per workflow task,
// a child workflow two. Queries are not in a history and are not counted. Beside the actions, the
// work the server and the worker do for them: workflow tasks, activities, timers, upserts.
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

export interface HistoryCost {
  /** Temporal Cloud billable actions. */
  actions: number;
  starts: number;
  signals: number;
  timers: number;
  upserts: number;
  /** Activities scheduled, and their attempts (a retry is an attempt, and an action). */
  activities: number;
  activityAttempts: number;
  updates: number;
  markerTasks: number;
  childStarts: number;
  /** Workflow tasks the worker ran (completed, failed or timed out). */
  workflowTasks: number;
  events: number;
  /** Activities scheduled, by type. */
  activityTypes: Record<string, number>;
}

export function emptyCost(): HistoryCost {
  return {
    actions: 0,
    starts: 0,
    signals: 0,
    timers: 0,
    upserts: 0,
    activities: 0,
    activityAttempts: 0,
    updates: 0,
    markerTasks: 0,
    childStarts: 0,
    workflowTasks: 0,
    events: 0,
    activityTypes: {},
  };
}

/** The patch marker (`patched()`): versioning, which Temporal Cloud does not bill. */
const PATCH_MARKER = 'core_patch';

/**
 * The cost of one run's events (or a prefix of them). `signalWithStart`: the run was started by a
 * Signal-With-Start, whose signal (the event right after the start) is part of the start's one action.
 */
export function historyCost(events: readonly HistoryEvent[], { signalWithStart = false }: { signalWithStart?: boolean } = {}): HistoryCost {
  const cost = emptyCost();
  const markedTasks = new Set<string>();
  events.forEach((event, index) => {
    cost.events += 1;
    switch (event.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        cost.starts += 1;
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const partOfStart = signalWithStart && index === 1 && events[0]?.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
        if (!partOfStart) cost.signals += 1;
        break;
      }
      case T.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        cost.signals += 1;
        break;
      case T.EVENT_TYPE_TIMER_STARTED:
        cost.timers += 1;
        break;
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = Object.keys(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
        if (fields.some((f) => f !== 'TemporalChangeVersion')) cost.upserts += 1;
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        cost.activities += 1;
        const type = event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        cost.activityTypes[type] = (cost.activityTypes[type] ?? 0) + 1;
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        // Only the last attempt is recorded; its number says how many ran.
        cost.activityAttempts += Math.max(1, Number(event.activityTaskStartedEventAttributes?.attempt ?? 1));
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        cost.updates += 1;
        break;
      case T.EVENT_TYPE_MARKER_RECORDED: {
        const attributes = event.markerRecordedEventAttributes;
        if (attributes?.markerName !== PATCH_MARKER) markedTasks.add(String(attributes?.workflowTaskCompletedEventId ?? index));
        break;
      }
      case T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        cost.childStarts += 1;
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case T.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        cost.workflowTasks += 1;
        break;
    }
  });
  // An activity scheduled but never started (still waiting, or abandoned) made no attempt yet.
  cost.markerTasks = markedTasks.size;
  cost.actions = cost.starts + cost.signals + cost.timers + cost.upserts + cost.activityAttempts + cost.updates + cost.markerTasks + 2 * cost.childStarts;
  return cost;
}

/** The sum of several costs (the runs of one order, its alias). */
export function addCosts(...costs: HistoryCost[]): HistoryCost {
  const total = emptyCost();
  for (const cost of costs) {
    for (const key of Object.keys(total) as (keyof HistoryCost)[]) {
      if (key === 'activityTypes') {
        for (const [type, n] of Object.entries(cost.activityTypes)) total.activityTypes[type] = (total.activityTypes[type] ?? 0) + n;
      } else total[key] += cost[key];
    }
  }
  return total;
}
