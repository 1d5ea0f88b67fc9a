// Webhook hand-overs to Temporal, bounded. When Temporal cannot keep up, each hand-over waits until
// its deadline (WEBHOOK_HANDOVER_TIMEOUT) and the waiting ones pile up in the API; past
// WEBHOOK_MAX_IN_FLIGHT waiting at once, a new delivery is answered 503 straight away instead of
// joining the queue. Nothing is lost either way: Shopify retries a 503 (for up to 4 hours), as it
// retries one that timed out; a hand-over that passed its deadline may still reach Temporal, and the
// redelivery then finds the order's workflow as it is.
import { HttpError } from './errors';

export class HandOvers {
  private inFlight = 0;

  constructor(private readonly max: number) {}

  async run<T>(handOver: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.max) {
      throw new HttpError(503, 'Temporal is not keeping up; nothing was recorded, retry later', { inFlight: this.inFlight }, 1);
    }
    this.inFlight += 1;
    try {
      return await handOver();
    } finally {
      this.inFlight -= 1;
    }
  }
}
