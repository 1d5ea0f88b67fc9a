// Activities that write to the Shopify order.
import type { FulfilInput, RefundInput, WriteBackInput } from '../domain';
import type { ShopifyAdmin } from '../integrations/shopify/admin';
import { classified } from './failures';

export function createShopifyActivities(admin: ShopifyAdmin) {
  return {
    /** The Vinoshipper order number on the Shopify order: an app metafield and a tag. */
    async writeBackToShopify(input: WriteBackInput): Promise<void> {
      return classified(() => admin.writeBackVinoshipperOrder(input.shopifyOrderId, input.vinoshipperOrderNumber));
    },
    async refundShopifyOrder(input: RefundInput): Promise<{ refundId: string }> {
      return classified(() => admin.refundOrder(input));
    },
    async fulfilShopifyOrder(input: FulfilInput): Promise<{ fulfillmentId: string }> {
      return classified(() => admin.fulfilOrder(input));
    },
  };
}
