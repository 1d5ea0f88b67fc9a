// The shop's merchant alert digest as the ops API sees it: what waits for which window, and an
// operator's "send the pending alert emails now". Used by api/alerts.ts.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { alertDigestQuery, alertDigestWorkflowId, sendAlertsNowSignal, type AlertDigestView } from '../domain';

export class AlertDigest {
  constructor(
    private readonly client: Client,
    private readonly shopDomain: string,
  ) {}

  private handle() {
    return this.client.workflow.getHandle(alertDigestWorkflowId(this.shopDomain));
  }

  /** null until the first alert of ALERT_MODE=grouped has started the digest. */
  async view(): Promise<AlertDigestView | null> {
    try {
      const description = await this.handle().describe();
      if (description.status.name !== 'RUNNING') return null;
      return await this.handle().query(alertDigestQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  /** Asks the digest to send every pending email now; false when no digest runs (nothing waits). */
  async sendNow(): Promise<boolean> {
    try {
      await this.handle().signal(sendAlertsNowSignal);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }
}
