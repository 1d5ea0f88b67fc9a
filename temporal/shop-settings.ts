// Reading and changing the shop's settings (domain/shop-settings.ts) from the API and the worker.
// Reads come from the settings workflow's memo through `describe` — strongly consistent, and served
// by Temporal itself, so webhooks are taken even while no worker runs. They are cached briefly, and
// a read just past its freshness is still used while the next one runs (RecentRead): one webhook in
// every few seconds would otherwise wait for a `describe` before its own hand-over.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { SHOP_SETTINGS_WORKFLOW_TYPE, setSyncEnabledUpdate, shopSettingsWorkflowId, type ShopSettingsInput, type ShopSettingsState } from '../domain';
import { RecentRead } from './recent-read';

/** How long a read of the settings is used as it is: a switch flipped elsewhere reaches new orders within about this. */
const FRESH_MS = 5_000;
/** Past this, callers wait for a new read rather than use the last (e.g. Temporal was unreachable meanwhile). */
const STALE_LIMIT_MS = 60_000;

export class ShopSettings {
  private readonly settings = new RecentRead(async () => (await this.read()) ?? this.ensure(), { freshMs: FRESH_MS, staleLimitMs: STALE_LIMIT_MS });

  constructor(
    private readonly client: Client,
    private readonly opts: { shopDomain: string; taskQueue: string; syncEnabledByDefault: boolean },
  ) {}

  get workflowId(): string {
    return shopSettingsWorkflowId(this.opts.shopDomain);
  }

  /** The current settings; the first read ever also records the install (starts the settings workflow). */
  current(): Promise<ShopSettingsState> {
    return this.settings.get();
  }

  /** Starts the settings workflow if it is not running (first start: now is the install time). */
  private async ensure(): Promise<ShopSettingsState> {
    const initial: ShopSettingsState = { syncEnabled: this.opts.syncEnabledByDefault, installedAt: new Date().toISOString(), changedAt: null, changedBy: null };
    const input: ShopSettingsInput = { shopDomain: this.opts.shopDomain, initial };
    await this.client.workflow.start(SHOP_SETTINGS_WORKFLOW_TYPE, {
      workflowId: this.workflowId,
      taskQueue: this.opts.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // Readable at once, before any worker has run the workflow.
      memo: { settings: initial },
      staticSummary: `Settings of ${this.opts.shopDomain}`,
    });
    return (await this.read()) ?? initial;
  }

  /** Turns sync on or off (an Update: answered once the settings workflow took it). */
  async setSyncEnabled(enabled: boolean, by?: string): Promise<ShopSettingsState> {
    await this.current();
    const state = await this.client.workflow.getHandle(this.workflowId).executeUpdate(setSyncEnabledUpdate, { args: [{ enabled, by }] });
    this.settings.set(state);
    return state;
  }

  private async read(): Promise<ShopSettingsState | null> {
    try {
      const description = await this.client.workflow.getHandle(this.workflowId).describe();
      if (description.status.name !== 'RUNNING') return null;
      return (description.memo?.settings as ShopSettingsState | undefined) ?? null;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }
}
