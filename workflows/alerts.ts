// The shop's alert digest: one long-running workflow per shop (`alerts:<shop>`) that the order
// workflows hand their merchant alerts to (signal-with-start, through an activity). Alerts of one
// cause and kind collect for ALERT_GROUP_WINDOW, then go out as ONE email naming every order; an
// order joining a cause whose email already went out gets a short follow-up, windowed the same way.
// Each order is then told (merchantToldSignal) so its own timeline says the merchant was told.
// Windows are durable timers and the groups are workflow state: a worker restart loses nothing, and
// each email has its own Resend idempotency key, so a retried send never doubles it.
import { allHandlersFinished, condition, continueAsNew, log, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  DEFAULT_ALERT_DIGEST_SETTINGS,
  alertDigestQuery,
  merchantAlertSignal,
  sendAlertsNowSignal,
  type AlertDigestActivities,
  type AlertDigestInput,
  type AlertDigestSettings,
  type AlertGroupState,
} from '../domain';
import { EMAIL_ACTIVITY, onRateLimitedQueue, TEMPORAL_ACTIVITY } from './activity-options';
import { failureMessage } from './failures';
import { AlertGroups, describe } from './alert-groups';

const temporal = proxyActivities<AlertDigestActivities>(TEMPORAL_ACTIVITY);

export async function merchantAlertsWorkflow(input: AlertDigestInput): Promise<void> {
  const email = onRateLimitedQueue<AlertDigestActivities>('email', EMAIL_ACTIVITY);
  const settings: AlertDigestSettings = { ...DEFAULT_ALERT_DIGEST_SETTINGS, ...input.settings };
  const groups = new AlertGroups(input.carried);
  let arrived = false;
  let sendNow = false;

  setHandler(merchantAlertSignal, (alert) => {
    if (groups.add(alert, Date.now(), settings.windowMs) !== 'duplicate') arrived = true;
  });
  setHandler(sendAlertsNowSignal, () => {
    sendNow = true;
  });
  setHandler(alertDigestQuery, () => groups.view(input.shopDomain, settings.windowMs));

  for (;;) {
    showDetails();
    if (!sendNow) {
      const wake = earliest(groups.nextDueAt(), groups.nextQuietCheckAt(settings.forgetAfterMs));
      if (wake === null) await condition(() => arrived || sendNow);
      else await condition(() => arrived || sendNow, Math.max(1, wake - Date.now()));
    }
    arrived = false;
    const all = sendNow;
    sendNow = false;
    for (const group of groups.due(Date.now(), all)) await send(group);
    await forgetResolvedCauses();

    const info = workflowInfo();
    if ((info.continueAsNewSuggested || info.historyLength >= settings.maxHistoryEvents) && !arrived && !sendNow) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof merchantAlertsWorkflow>({ ...input, settings, carried: groups.carry() });
    }
  }

  async function send(group: AlertGroupState): Promise<void> {
    const batch = groups.take(group);
    // Unique per email for the life of this digest (continue-as-new keeps the first run's id).
    const idempotencyKey = `alerts/${workflowInfo().firstExecutionRunId}/${groups.emailsStarted}`;
    let emailId: string | null = null;
    let error: string | null = null;
    try {
      ({ emailId } = await email.sendMerchantAlertDigest({
        kind: group.kind,
        cause: group.cause,
        issueType: group.issueType,
        followUp: batch.followUp,
        earlierOrders: batch.earlierOrders,
        alerts: batch.alerts,
        idempotencyKey,
      }));
    } catch (err) {
      // As with a per-order email: a lost email must not stop the digest; the orders' timelines say so.
      error = failureMessage(err);
      log.warn('merchant alert email failed', { cause: group.cause, kind: group.kind, error });
    }
    const at = new Date().toISOString();
    groups.settle(group, batch, { at, emailId, error });
    try {
      await temporal.tellOrdersMerchantWasTold({
        orders: batch.alerts.map((a) => ({ orderWorkflowId: a.orderWorkflowId, key: a.key })),
        sent: emailId !== null,
        emailId,
        ordersInEmail: batch.alerts.length,
        at,
      });
    } catch (err) {
      log.warn('could not tell the orders', { cause: group.cause, error: failureMessage(err) });
    }
  }

  /** Keeps the state bounded: a cause quiet for a day whose orders are all resolved is forgotten. */
  async function forgetResolvedCauses(): Promise<void> {
    const quiet = groups.quiet(Date.now(), settings.forgetAfterMs);
    if (!quiet.length) return;
    let open: Set<string> | null = null;
    try {
      open = new Set(await temporal.ordersStillNeedingAttention([...new Set(quiet.flatMap((g) => g.toldOrders))]));
    } catch (err) {
      log.warn('could not look up open orders; keeping the causes for now', { error: failureMessage(err) });
    }
    for (const group of quiet) {
      if (open) groups.forgetUnlessOpen(group, open, Date.now());
      else groups.checkedLater(group, Date.now());
    }
  }

  /** The Web UI's current details: what waits for which window, and the latest emails. */
  function showDetails(): void {
    const view = groups.view(input.shopDomain, settings.windowMs);
    const pending = view.groups.filter((g) => g.pendingOrders.length);
    const lines = [`**Merchant alerts for ${input.shopDomain}** · window ${Math.round(settings.windowMs / 1000)} s`, ''];
    if (pending.length) {
      lines.push('| kind | cause | orders waiting | email at |', '|---|---|---|---|');
      for (const g of pending) lines.push(`| ${g.kind} | ${g.description} | ${g.pendingOrders.join(', ')} | ${g.sendsAt} |`);
    } else {
      lines.push('Nothing waiting.');
    }
    if (view.recent.length) {
      lines.push('', '**Latest emails**');
      for (const e of view.recent.slice(-5).reverse()) {
        const what = `${e.kind}${e.followUp ? ' follow-up' : ''}: ${describe(e.kind, e.cause)} (${e.orders.join(', ')})`;
        lines.push(`- ${e.at} ${e.emailId ? '✓' : `✗ ${e.error ?? ''}`} ${what}`);
      }
    }
    setCurrentDetails(lines.join('\n'));
  }
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
