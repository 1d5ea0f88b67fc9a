// One shop's settings (domain/shop-settings.ts): the sync switch and the install time, held by a
// long-lived workflow that costs nothing while nobody changes them (no timers). Each change is an
// Update (answered with the new settings) and goes into the memo, so the API reads the settings
// with a `describe`, even while no worker runs. Turning sync back on resumes the skipped orders.
import { condition, continueAsNew, proxyActivities, setHandler, upsertMemo, workflowInfo, allHandlersFinished } from '@temporalio/workflow';
import {
  NON_RETRYABLE_FAILURE_TYPES,
  setSyncEnabledUpdate,
  shopSettingsQuery,
  type ShopSettingsActivities,
  type ShopSettingsInput,
  type ShopSettingsState,
} from '../domain';

const orders = proxyActivities<ShopSettingsActivities>({
  startToCloseTimeout: '10m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

export async function shopSettingsWorkflow(input: ShopSettingsInput): Promise<void> {
  const state: ShopSettingsState = { ...input.initial };
  let resumeBy: string | null | undefined; // undefined: nothing to resume
  upsertMemo({ settings: state });

  setHandler(shopSettingsQuery, () => state);
  setHandler(
    setSyncEnabledUpdate,
    ({ enabled, by }) => {
      if (enabled !== state.syncEnabled) {
        state.syncEnabled = enabled;
        state.changedAt = new Date().toISOString();
        state.changedBy = by ?? null;
        upsertMemo({ settings: state });
        if (enabled) resumeBy = by ?? null;
      }
      return { ...state };
    },
    {
      validator: ({ enabled }) => {
        if (typeof enabled !== 'boolean') throw new Error('enabled must be true or false');
      },
    },
  );

  for (;;) {
    await condition(() => resumeBy !== undefined || workflowInfo().continueAsNewSuggested);
    if (resumeBy !== undefined) {
      const by = resumeBy ?? undefined;
      resumeBy = undefined;
      await orders.resumeSkippedOrders({ shopDomain: input.shopDomain, by });
      continue;
    }
    await condition(allHandlersFinished);
    await continueAsNew<typeof shopSettingsWorkflow>({ ...input, initial: state });
  }
}
