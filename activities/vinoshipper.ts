// Activities that talk to Vinoshipper (the first accepted PUT also writes its number back to Shopify).
import type { Config } from '../config';
import type { CancelResult, CatalogCheck, OrderAliasActivities, OrderSnapshot, SubmissionResult, SubmitOrderInput, VinoshipperOrderView } from '../domain';
import type { ShopifyAdmin } from '../integrations/shopify/admin';
import type { VinoshipperClient } from '../integrations/vinoshipper/client';
import { VinoshipperError, checkCatalog, classifyRejection, skuKey, toOrderView } from '../integrations/vinoshipper/classify';
import { toVinoshipperOrder } from '../integrations/vinoshipper/mapping';
import { classified } from './failures';

/**
 * Bounds the write-back inside the PUT's activity: it shares the activity's timeout with the PUT,
 * and a Shopify slower than this is left to the workflow's own write-back (with its retries).
 */
export const WRITE_BACK_IN_SUBMISSION_TIMEOUT_MS = 5_000;

export function createVinoshipperActivities(
  client: VinoshipperClient,
  config: Pick<Config['vinoshipper'], 'shippingRate'>,
  aliases: Pick<OrderAliasActivities, 'registerVinoshipperOrderAlias'>,
  shopify: Pick<ShopifyAdmin, 'writeBackVinoshipperOrder'>,
) {
  /**
   * The Vinoshipper-number alias of an order numbered without its Shopify id (started before
   * December 2026), before its first PUT: Vinoshipper cannot send a webhook
   * about an order before it has it, so the webhook always finds the alias. Best effort: a failure
   * does not hold the order back (the safety-net looks still run), and the next PUT tries again.
   */
  async function registerAlias(input: SubmitOrderInput): Promise<boolean | undefined> {
    if (!input.aliasFor) return undefined;
    try {
      await aliases.registerVinoshipperOrderAlias({ vinoshipperOrderNumber: input.vinoshipperOrderNumber, orderWorkflowId: input.aliasFor });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The number on the Shopify order right after Vinoshipper took it (asked for with `writeBackTo`).
   * Never throws: the PUT has happened, and failing the activity would send it again.
   */
  async function writeBackAtOnce(input: SubmitOrderInput, vinoshipperOrderNumber: string): Promise<{ writtenBack?: boolean }> {
    if (!input.writeBackTo) return {};
    try {
      await shopify.writeBackVinoshipperOrder(input.writeBackTo, vinoshipperOrderNumber, { timeoutMs: WRITE_BACK_IN_SUBMISSION_TIMEOUT_MS });
      return { writtenBack: true };
    } catch {
      return { writtenBack: false };
    }
  }

  /** The catalogue's opinion, or null when it cannot give one (advisory: never blocks a submission). */
  async function consultCatalog(snapshot: OrderSnapshot): Promise<CatalogCheck | null> {
    try {
      return checkCatalog(snapshot, await client.listProducts());
    } catch {
      return null;
    }
  }

  return {
    /**
     * `PUT /orders/{n}`: creates or updates (resends) the order. Vinoshipper's own refusal decides and
     * comes back as a result; only when it names no reason is the catalogue consulted, to name the
     * missing or short SKUs — and any doubt about the catalogue (an error, a resend whose stock is
     * already reserved) leaves the refusal as Vinoshipper gave it.
     */
    async submitOrderToVinoshipper(input: SubmitOrderInput): Promise<SubmissionResult> {
      const aliasRegistered = await registerAlias(input);
      const alias = aliasRegistered === undefined ? {} : { aliasRegistered };
      const body = toVinoshipperOrder(input.snapshot, {
        vinoshipperOrderNumber: input.vinoshipperOrderNumber,
        dateOfBirthAttribute: input.dateOfBirthAttribute,
        shippingRate: config.shippingRate,
      });
      return classified(async () => {
        try {
          const order = toOrderView(await client.upsertOrder(input.vinoshipperOrderNumber, body));
          return { kind: 'submitted', order, ...alias, ...(await writeBackAtOnce(input, order.orderNumber)) };
        } catch (err) {
          if (!(err instanceof VinoshipperError) || err.kind !== 'rejected') throw err;
          const { vague, ...refusal } = classifyRejection(err);
          const named = vague && !input.inVinoshipper ? await consultCatalog(input.snapshot) : null;
          if (named && !named.ok) {
            return { kind: 'rejected', issueType: named.issueType, details: `${named.details}\n(${refusal.details})`, causeKey: skuKey(named.skus), ...alias };
          }
          return { kind: 'rejected', ...refusal, ...alias };
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
            // Tell "not accepted yet" (Vinoshipper cancels only accepted orders) from "cancelled" and
            // "shipped or in fulfilment" by reading the order.
            const order = await client.getOrder(vinoshipperOrderNumber);
            if (!order) return { cancelled: false, reason: 'not_found' };
            const state = toOrderView(order).state;
            if (state === 'cancelled') return { cancelled: false, reason: 'already_cancelled' };
            if (state === 'pending') return { cancelled: false, reason: 'not_accepted' };
            return { cancelled: false, reason: 'already_shipped' };
          }
          throw err;
        }
      });
    },
  };
}
