// All activities (order, privacy, reconciliation, alert digest, catalogue check and daily digest
// workflows), built from their clients. Tests hand in clients that point at the sandbox; production
// hands in clients that point at the real services. Same code.
import type { Config } from '../config';
import type {
  AlertActivities,
  AlertDigestActivities,
  CatalogCheckActivities,
  DailyDigestActivities,
  EmailActivities,
  OrderAliasActivities,
  PrivacyActivities,
  ReconciliationActivities,
  ShopSettingsActivities,
  ShopifyOrderActivities,
  VinoshipperActivities,
} from '../domain';
import type { CallObserver } from '../integrations/call-observer';
import { CallPacer } from '../integrations/call-pacer';
import { EmailClient } from '../integrations/email/client';
import { accessTokenSource } from '../integrations/shopify/access-token';
import { ShopifyAdmin } from '../integrations/shopify/admin';
import { VinoshipperClient } from '../integrations/vinoshipper/client';
import { createAlertActivities } from './alerts';
import { createCatalogCheckActivities } from './catalog-check';
import { createDailyDigestActivities } from './daily-digest';
import { createEmailActivities } from './email';
import { createOrderAliasActivities } from './order-alias';
import { createPrivacyActivities } from './privacy';
import { createReconciliationActivities } from './reconciliation';
import { createShopSettingsActivities } from './shop-settings';
import { createShopifyActivities } from './shopify';
import { createVinoshipperActivities } from './vinoshipper';

export interface ExternalClients {
  vinoshipper: VinoshipperClient;
  shopify: ShopifyAdmin;
  email: EmailClient;
}

/** `observer`: told about every call the clients make (the worker's metrics). Vinoshipper's and Resend's calls are spaced at their budgets. */
export function createClients(config: Config, observer?: CallObserver): ExternalClients {
  return {
    vinoshipper: new VinoshipperClient({ ...config.vinoshipper, observer, pacer: new CallPacer(config.rateLimits.vinoshipperPerSecond) }),
    shopify: new ShopifyAdmin({
      shopDomain: config.shopify.shopDomain,
      adminApiUrl: config.shopify.adminApiUrl,
      accessToken: accessTokenSource(config.shopify, observer),
      apiVersion: config.shopify.apiVersion,
      observer,
    }),
    email: new EmailClient({
      apiKey: config.email.resendApiKey,
      baseUrl: config.email.resendBaseUrl,
      from: config.email.from,
      to: config.email.merchantAlertEmail,
      observer,
      pacer: new CallPacer(config.rateLimits.resendPerSecond),
    }),
  };
}

/**
 * Every activity, grouped by the task queue it runs on: Vinoshipper's and Resend's calls on their
 * own rate-limited queues (one budget for the whole deployment), everything else beside the workflows.
 * The shop-level workflows' Resend and Vinoshipper activities run there too; they stay registered on
 * the orders queue as well, for the ones a run from before 2026-12-02 scheduled there (in flight
 * during a deploy).
 */
export interface CellarhandActivities {
  orders: ShopifyOrderActivities &
    OrderAliasActivities &
    ShopSettingsActivities &
    PrivacyActivities &
    ReconciliationActivities &
    AlertActivities &
    AlertDigestActivities &
    CatalogCheckActivities &
    DailyDigestActivities;
  vinoshipper: VinoshipperActivities & Pick<CatalogCheckActivities, 'inspectCatalog'>;
  email: EmailActivities &
    Pick<AlertDigestActivities, 'sendMerchantAlertDigest'> &
    Pick<CatalogCheckActivities, 'sendCatalogCheckEmail'> &
    Pick<DailyDigestActivities, 'sendDailyDigestEmail'> &
    Pick<PrivacyActivities, 'sendPrivacyEmail'>;
}

/** The privacy and reconciliation activities use the worker's own Temporal client (activity context). */
export function createActivities(clients: ExternalClients, config: Config): CellarhandActivities {
  const aliases = createOrderAliasActivities(config);
  const privacy = createPrivacyActivities(clients.email, config);
  const alerts = createAlertActivities(clients.email, config);
  const catalogCheck = createCatalogCheckActivities(clients, config);
  const dailyDigest = createDailyDigestActivities(clients.email, config);
  return {
    orders: {
      ...createShopifyActivities(clients.shopify),
      ...aliases,
      ...createShopSettingsActivities(),
      ...privacy,
      ...createReconciliationActivities(clients.shopify, config),
      ...alerts,
      ...catalogCheck,
      ...dailyDigest,
    },
    // The first PUT registers the order's Vinoshipper-number alias and writes the number back to Shopify in the same activity.
    vinoshipper: {
      ...createVinoshipperActivities(clients.vinoshipper, config.vinoshipper, aliases, clients.shopify),
      inspectCatalog: catalogCheck.inspectCatalog,
    },
    email: {
      ...createEmailActivities(clients.email, config),
      sendMerchantAlertDigest: alerts.sendMerchantAlertDigest,
      sendCatalogCheckEmail: catalogCheck.sendCatalogCheckEmail,
      sendDailyDigestEmail: dailyDigest.sendDailyDigestEmail,
      sendPrivacyEmail: privacy.sendPrivacyEmail,
    },
  };
}
