// Where an order lives elsewhere: Shopify admin, Vinoshipper's dashboard and the Temporal Web UI.
import type { Config } from '../config';
import { workflowUrl } from '../integrations/email/templates';

export interface OrderLinks {
  shopify: string;
  vinoshipper: string | null;
  webUi: string;
}

export function orderLinks(
  config: Pick<Config, 'console' | 'temporal'>,
  order: { shopifyOrderId: string; vinoshipperOrderNumber: string | null; workflowId: string },
): OrderLinks {
  const { links } = config.console;
  return {
    shopify: links.shopifyOrder.replace('{id}', encodeURIComponent(order.shopifyOrderId)),
    vinoshipper:
      links.vinoshipperOrder && order.vinoshipperOrderNumber
        ? links.vinoshipperOrder.replace('{orderNumber}', encodeURIComponent(order.vinoshipperOrderNumber))
        : null,
    webUi: workflowUrl({ temporalUiUrl: config.temporal.uiUrl, temporalNamespace: config.temporal.namespace, shopDomain: '' }, order.workflowId),
  };
}
