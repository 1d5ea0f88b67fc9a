// The shop's own settings, kept durably in Temporal (one small workflow per shop): the sync switch
// people turn on and off from the console, and when cellarhand was installed (the default cut-off
// before which orders are never sent). Readable without a worker: the workflow keeps them in its
// memo, which `describe` returns.
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const SHOP_SETTINGS_WORKFLOW_TYPE = 'shopSettingsWorkflow';

export function shopSettingsWorkflowId(shopDomain: string): string {
  return `shop-settings:${shopDomain}`;
}

export interface ShopSettingsState {
  syncEnabled: boolean;
  /** ISO: when cellarhand first ran for this shop. */
  installedAt: string;
  /** ISO time and who, of the last change of the switch; null before any. */
  changedAt: string | null;
  changedBy: string | null;
}

export interface ShopSettingsInput {
  shopDomain: string;
  initial: ShopSettingsState;
}

/** Turns sync on or off. Turning it on resumes the orders skipped while it was off. */
export const setSyncEnabledUpdate = defineUpdate<ShopSettingsState, [{ enabled: boolean; by?: string }]>('setSyncEnabled');
export const shopSettingsQuery = defineQuery<ShopSettingsState>('settings');

export interface ShopSettingsActivities {
  /** Signals every running order skipped while sync was off that it is back on; returns how many. */
  resumeSkippedOrders(input: { shopDomain: string; by?: string }): Promise<{ resumed: number }>;
}
