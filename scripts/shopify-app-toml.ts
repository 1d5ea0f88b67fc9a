// `npm run shopify:toml`: writes this install's client_id (SHOPIFY_CLIENT_ID) and application_url
// (CELLARHAND_API_URL) into shopify.app.toml, so `shopify app deploy` subscribes Shopify to our
// webhook route. Everything else in the file is the same for every winery.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfigOrExit } from '../config';
import { APP_TOML, parseAppToml, withAppUrls } from '../integrations/shopify/app-toml';

const config = loadConfigOrExit();
const { auth } = config.shopify;
const clientId = auth.kind === 'client_credentials' ? auth.clientId : undefined;
const text = withAppUrls(readFileSync(APP_TOML, 'utf8'), { clientId, applicationUrl: config.api.publicUrl });
const toml = parseAppToml(text); // what Shopify CLI will read: fails here rather than at deploy
writeFileSync(APP_TOML, text);
console.log(`${APP_TOML}: client_id = ${toml.clientId || '(unchanged: no SHOPIFY_CLIENT_ID)'}, application_url = ${toml.applicationUrl}`);
for (const s of toml.subscriptions) console.log(`  ${s.compliance ? 'compliance ' : ''}${s.topic} → ${s.uri}`);
console.log('Next: shopify app deploy (Shopify CLI), then npm run doctor with SHOPIFY_WEBHOOK_SUBSCRIPTIONS=toml.');
