// All activities (order, privacy and reconciliation workflows), built from their clients. Tests hand
// in clients that point at the sandbox; production hands in clients that point at the real services.
// Same code.
import type { Config } from '../config';
import type {
  AlertActivities,
  AlertDigestActivities,
  CatalogCheckActivities,
  DailyDigestActivities,
  OrderActivities,
  PrivacyActivities,
  ReconciliationActivities,
} from '../domain';
import { EmailClient } from '../integrations/email/client';
import { ShopifyAdmin } from '../integrations/shopify/admin';
import { VinoshipperClient } from '../integrations/vinoshipper/client';
import { createAlertActivities } from './alerts';
import { createCatalogCheckActivities } from './catalog-check';
import { createDailyDigestActivities } from './daily-digest';
import { createEmailActivities } from './email';
import { createPrivacyActivities } from './privacy';
import { createReconciliationActivities } from './reconciliation';
import { createShopifyActivities } from './shopify';
import { createVinoshipperActivities } from './vinoshipper';

export interface ExternalClients {
  vinoshipper: VinoshipperClient;
  shopify: ShopifyAdmin;
  email: EmailClient;
}

export function createClients(config: Config): ExternalClients {
  return {
    vinoshipper: new VinoshipperClient(config.vinoshipper),
    shopify: new ShopifyAdmin({
      shopDomain: config.shopify.shopDomain,
      adminApiUrl: config.shopify.adminApiUrl,
      accessToken: config.shopify.adminApiToken,
      apiVersion: config.shopify.apiVersion,
    }),
    email: new EmailClient({
      apiKey: config.email.resendApiKey,
      baseUrl: config.email.resendBaseUrl,
      from: config.email.from,
      to: config.email.merchantAlertEmail,
    }),
  };
}

export type CellarhandActivities = OrderActivities &
  PrivacyActivities &
  ReconciliationActivities &
  AlertActivities &
  AlertDigestActivities &
  CatalogCheckActivities &
  DailyDigestActivities;

/** The privacy and reconciliation activities use the worker's own Temporal client (activity context). */
export function createActivities(clients: ExternalClients, config: Config): CellarhandActivities {
  return {
    ...createVinoshipperActivities(clients.vinoshipper, config.vinoshipper),
    ...createShopifyActivities(clients.shopify),
    ...createEmailActivities(clients.email, config),
    ...createPrivacyActivities(clients.email, config),
    ...createReconciliationActivities(clients.shopify, config),
    ...createAlertActivities(clients.email, config),
    ...createCatalogCheckActivities(clients, config),
    ...createDailyDigestActivities(clients.email, config),
  };
}
