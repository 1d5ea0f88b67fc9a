// Activities that talk to Vinoshipper.
import type { Config } from '../config';
import type { CancelResult, CatalogCheck, OrderSnapshot, SubmissionResult, SubmitOrderInput, VinoshipperOrderView } from '../domain';
import type { VinoshipperClient } from '../integrations/vinoshipper/client';
import { VinoshipperError, checkCatalog, classifyRejection, toOrderView } from '../integrations/vinoshipper/classify';
import { toVinoshipperOrder } from '../integrations/vinoshipper/mapping';
import { classified } from './failures';

export function createVinoshipperActivities(client: VinoshipperClient, config: Pick<Config['vinoshipper'], 'shippingRate'>) {
  return {
    /** Scenario 1, before submission: every SKU known to Vinoshipper, with enough inventory. */
    async checkVinoshipperCatalog(snapshot: OrderSnapshot): Promise<CatalogCheck> {
      return classified(async () => checkCatalog(snapshot, await client.listProducts()));
    },

    /** `PUT /orders/{n}`: creates or updates (resends) the order. Business refusals come back as a result. */
    async submitOrderToVinoshipper(input: SubmitOrderInput): Promise<SubmissionResult> {
      const body = toVinoshipperOrder(input.snapshot, {
        vinoshipperOrderNumber: input.vinoshipperOrderNumber,
        dateOfBirthAttribute: input.dateOfBirthAttribute,
        shippingRate: config.shippingRate,
      });
      return classified(async () => {
        try {
          const order = await client.upsertOrder(input.vinoshipperOrderNumber, body);
          return { kind: 'submitted', order: toOrderView(order) };
        } catch (err) {
          if (err instanceof VinoshipperError && err.kind === 'rejected') return { kind: 'rejected', ...classifyRejection(err) };
          throw err;
        }
      });
    },

    async fetchVinoshipperOrder(vinoshipperOrderNumber: string): Promise<VinoshipperOrderView | null> {
      return classified(async () => {
        const order = await client.getOrder(vinoshipperOrderNumber);
        return order ? toOrderView(order) : null;
      });
    },

    async cancelVinoshipperOrder(vinoshipperOrderNumber: string): Promise<CancelResult> {
      return classified(async () => {
        try {
          await client.cancelOrder(vinoshipperOrderNumber);
          return { cancelled: true };
        } catch (err) {
          if (!(err instanceof VinoshipperError)) throw err;
          if (err.kind === 'not_found') return { cancelled: false, reason: 'not_found' };
          if (err.kind === 'conflict') {
            // Tell "already shipped" from "already cancelled" by reading the order.
            const order = await client.getOrder(vinoshipperOrderNumber);
            const state = order ? toOrderView(order).state : null;
            return { cancelled: false, reason: state === 'cancelled' ? 'already_cancelled' : 'already_shipped' };
          }
          throw err;
        }
      });
    },
  };
}
