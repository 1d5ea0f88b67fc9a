// `npm run shopify:webhooks`: for installs that do not deploy shopify.app.toml. Lists the shop's
// webhook subscriptions through the Admin GraphQL API, creates the missing ones for every order
// topic at CELLARHAND_API_URL/webhooks/shopify, and reports any that point elsewhere (it never
// deletes one). `-- --dry-run` only reports. Exits 1 when something could not be done.
import { loadConfigOrExit } from '../config';
import { accessTokenSource } from '../integrations/shopify/access-token';
import { ShopifyAdmin } from '../integrations/shopify/admin';
import { ensureSubscriptions } from '../integrations/shopify/webhook-subscriptions';
import { PRIVACY_TOPICS, shopifyWebhookUri } from '../integrations/shopify/webhooks';

async function main(): Promise<number> {
  const config = loadConfigOrExit();
  const dryRun = process.argv.includes('--dry-run');
  const admin = new ShopifyAdmin({
    shopDomain: config.shopify.shopDomain,
    adminApiUrl: config.shopify.adminApiUrl,
    accessToken: accessTokenSource(config.shopify),
    apiVersion: config.shopify.apiVersion,
  });
  const uri = shopifyWebhookUri(config.api.publicUrl);
  console.log(`Shop ${config.shopify.shopDomain}: webhook subscriptions for ${uri}`);
  if (!uri.startsWith('https://')) console.log('  note: Shopify delivers to https URLs only; set CELLARHAND_API_URL to the public https address.');

  const { before, created } = await ensureSubscriptions(admin, uri, { dryRun });
  for (const topic of before.present) console.log(`  ok       ${topic}`);
  for (const s of created) console.log(`  created  ${s.topic}`);
  if (dryRun) for (const topic of before.missing) console.log(`  missing  ${topic} (run without --dry-run to create it)`);
  for (const s of before.elsewhere) {
    console.log(`  elsewhere ${s.topic} → ${s.uri} (${s.id}): delivered there too; delete it if that address is not yours any more`);
  }
  console.log(`  (${PRIVACY_TOPICS.join(', ')} are app configuration, not Admin API subscriptions: shopify.app.toml or the Dev Dashboard)`);
  return dryRun && before.missing.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`shopify:webhooks failed: ${err.message}`);
    process.exit(1);
  },
);
