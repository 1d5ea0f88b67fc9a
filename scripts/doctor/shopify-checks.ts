// The doctor's Shopify rows: a token can be had, its scopes cover what cellarhand needs, and every
// handled topic is delivered to CELLARHAND_API_URL (through Admin API subscriptions, or through
// shopify.app.toml when SHOPIFY_WEBHOOK_SUBSCRIPTIONS=toml).
import path from 'node:path';
import type { Config } from '../../config';
import { accessTokenSource, ClientCredentialsToken } from '../../integrations/shopify/access-token';
import { ShopifyAdmin } from '../../integrations/shopify/admin';
import { APP_TOML, readAppToml } from '../../integrations/shopify/app-toml';
import { ShopifyError } from '../../integrations/shopify/errors';
import { missingScopes } from '../../integrations/shopify/scopes';
import { compareSubscriptions } from '../../integrations/shopify/webhook-subscriptions';
import { ORDER_TOPICS, PRIVACY_TOPICS, shopifyWebhookUri } from '../../integrations/shopify/webhooks';
import { projectRoot } from '../temporal-binaries';
import { failure, pass, skipped, warning, type DoctorRow } from './rows';

const TOKEN = 'Shopify access token';
const SCOPES = 'Shopify access scopes';
const WEBHOOKS = 'Shopify webhooks';

export async function shopifyRows(config: Config): Promise<DoctorRow[]> {
  const { shopify } = config;
  const tokens = accessTokenSource(shopify);
  const admin = new ShopifyAdmin({ shopDomain: shopify.shopDomain, adminApiUrl: shopify.adminApiUrl, accessToken: tokens, apiVersion: shopify.apiVersion });

  let tokenRow: DoctorRow;
  let scopes: string[];
  try {
    if (tokens instanceof ClientCredentialsToken) {
      const granted = await tokens.grant();
      tokenRow = pass(TOKEN, `client credentials: token granted by ${shopify.shopDomain}, valid for ${hours(granted.expiresAt - Date.now())}`);
    } else {
      tokenRow = pass(TOKEN, `legacy SHOPIFY_ADMIN_API_TOKEN accepted by ${shopify.shopDomain}`);
    }
    scopes = await admin.grantedScopes(); // also proves a static token
  } catch (err) {
    return [failure(TOKEN, describe(err), tokenFix(err, config)), skipped(SCOPES, 'no access token'), skipped(WEBHOOKS, 'no access token')];
  }

  const missing = missingScopes(scopes);
  const scopesRow = missing.length
    ? failure(
        SCOPES,
        `missing ${missing.join(', ')} (granted: ${scopes.join(', ') || 'none'})`,
        `Add ${missing.join(', ')} to the app's access scopes (shopify.app.toml and \`shopify app deploy\`, or Dev Dashboard → your app → Versions → new version → Access), release it, and approve the update on ${shopify.shopDomain}.`,
      )
    : pass(SCOPES, `granted: ${scopes.join(', ')}`);

  return [tokenRow, scopesRow, shopify.webhookSubscriptions === 'toml' ? tomlWebhooksRow(config) : await apiWebhooksRow(admin, config)];
}

async function apiWebhooksRow(admin: ShopifyAdmin, config: Config): Promise<DoctorRow> {
  const uri = shopifyWebhookUri(config.api.publicUrl);
  let report;
  try {
    report = compareSubscriptions(await admin.listWebhookSubscriptions(), uri);
  } catch (err) {
    return failure(WEBHOOKS, `cannot list subscriptions: ${describe(err)}`, tokenFix(err, config));
  }
  const privacy = `${PRIVACY_TOPICS.join(', ')} are app configuration the Admin API cannot show: check them in the Dev Dashboard (or deploy shopify.app.toml)`;
  if (report.missing.length) {
    return failure(
      WEBHOOKS,
      `no subscription at ${uri} for ${report.missing.join(', ')}`,
      `Run \`npm run shopify:webhooks\` to create them. If you deployed shopify.app.toml instead (its subscriptions are not listed by the Admin API), set SHOPIFY_WEBHOOK_SUBSCRIPTIONS=toml.`,
    );
  }
  if (report.elsewhere.length) {
    const where = report.elsewhere.map((s) => `${s.topic} → ${s.uri}`).join('; ');
    return warning(
      WEBHOOKS,
      `all ${report.present.length} order topics at ${uri}; also delivered elsewhere: ${where}`,
      `Delete the ones that are not yours any more (Shopify admin, or webhookSubscriptionDelete). ${privacy}.`,
    );
  }
  return pass(WEBHOOKS, `all ${report.present.length} order topics subscribed at ${uri}; ${privacy}`);
}

/** shopify.app.toml's subscriptions are deployed with Shopify CLI; what can be checked is the file. */
function tomlWebhooksRow(config: Config): DoctorRow {
  const file = path.join(projectRoot(), APP_TOML);
  const uri = shopifyWebhookUri(config.api.publicUrl);
  const fix = `Run \`npm run shopify:toml\`, then \`shopify app deploy\`.`;
  let toml;
  try {
    toml = readAppToml(file);
  } catch (err) {
    return failure(WEBHOOKS, `cannot read ${APP_TOML}: ${describe(err)}`, `Restore ${APP_TOML} from the repository, then: ${fix}`);
  }
  const problems: string[] = [];
  for (const topic of [...ORDER_TOPICS, ...PRIVACY_TOPICS]) {
    const declared = toml.subscriptions.find((s) => s.topic === topic);
    if (!declared) problems.push(`${topic} not declared`);
    else if (declared.uri !== uri) problems.push(`${topic} → ${declared.uri}`);
  }
  const { auth } = config.shopify;
  if (auth.kind === 'client_credentials' && toml.clientId !== auth.clientId) problems.push(`client_id is "${toml.clientId}", not SHOPIFY_CLIENT_ID`);
  if (problems.length) return failure(WEBHOOKS, `${APP_TOML} does not deliver to ${uri}: ${problems.join('; ')}`, fix);
  return pass(WEBHOOKS, `${APP_TOML} declares every topic at ${uri} (deployed with \`shopify app deploy\`; the Admin API does not list app subscriptions)`);
}

function tokenFix(err: unknown, config: Config): string {
  const shop = config.shopify.shopDomain;
  if (!(err instanceof ShopifyError)) return 'Unexpected: see the detail.';
  switch (err.code) {
    case 'invalid_client':
      return 'Copy the client ID and secret from Dev Dashboard → your app → Settings into SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET.';
    case 'app_not_installed':
      return `Install the app on ${shop}: Dev Dashboard → your app → Install app (an uninstalled app gets no token).`;
    case 'shop_not_permitted':
      return `Create the app in the Dev Dashboard of the organisation that owns ${shop}: the client credentials grant only works there.`;
    case 'invalid_token':
      return config.shopify.auth.kind === 'access_token'
        ? 'Check SHOPIFY_ADMIN_API_TOKEN: the Admin API access token of the legacy custom app, which must still be installed.'
        : 'The store refused a fresh token: check that the app is installed on the store in SHOPIFY_SHOP_DOMAIN.';
    case 'access_denied':
      return "Add the scope named above to the app's access scopes and release the app version.";
  }
  return err.kind === 'transient'
    ? `Check SHOPIFY_ADMIN_API_URL (https://${shop}) and the network; Shopify may also be briefly unavailable.`
    : `Check SHOPIFY_SHOP_DOMAIN, SHOPIFY_ADMIN_API_URL and SHOPIFY_API_VERSION.`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function hours(ms: number): string {
  return ms >= 3_600_000 ? `${Math.round(ms / 3_600_000)} h` : `${Math.max(1, Math.round(ms / 1000))} s`;
}
