// Reading and changing the shop's settings (domain/shop-settings.ts) from the API and the worker.
// Reads come from the settings workflow's memo through `describe` — strongly consistent, and served
// by Temporal itself, so webhooks are taken even while no worker runs. They are cached briefly.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { SHOP_SETTINGS_WORKFLOW_TYPE, setSyncEnabledUpdate, shopSettingsWorkflowId, type ShopSettingsInput, type ShopSettingsState } from '../domain';

/** How long a read of the settings is reused: a switch flipped in the console reaches new orders within this. */
const CACHE_MS = 5_000;

export class ShopSettings {
  /** The read in progress or done: callers at the same moment share one `describe`. */
  private cached: { state: Promise<ShopSettingsState>; at: number } | null = null;

  constructor(
    private readonly client: Client,
    private readonly opts: { shopDomain: string; taskQueue: string; syncEnabledByDefault: boolean },
  ) {}

  get workflowId(): string {
    return shopSettingsWorkflowId(this.opts.shopDomain);
  }

  /** The current settings; the first read ever also records the install (starts the settings workflow). */
  async current(): Promise<ShopSettingsState> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.state;
    const entry = { state: this.read().then((state) => state ?? this.ensure()), at: Date.now() };
    this.cached = entry;
    // A failed read is not reused: the next caller asks again.
    entry.state.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    return entry.state;
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
    this.cached = { state: Promise.resolve(state), at: Date.now() };
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
