// shopify.app.toml declares what the code handles: every topic the API takes, the scopes the client
// needs, the API version it parses, all delivered to the API's one webhook route.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { parseAppToml, withAppUrls } from '../../integrations/shopify/app-toml';
import { REQUIRED_SCOPES } from '../../integrations/shopify/scopes';
import { ORDER_TOPICS, PRIVACY_TOPICS, shopifyWebhookUri } from '../../integrations/shopify/webhooks';

const text = readFileSync(join(__dirname, '..', '..', 'shopify.app.toml'), 'utf8');
const toml = parseAppToml(text);

test('it subscribes to every topic the API handles, and to nothing else', () => {
  const topics = toml.subscriptions.filter((s) => !s.compliance).map((s) => s.topic);
  const compliance = toml.subscriptions.filter((s) => s.compliance).map((s) => s.topic);
  expect([...topics].sort()).toEqual([...ORDER_TOPICS].sort());
  expect([...compliance].sort()).toEqual([...PRIVACY_TOPICS].sort());
});

test('every subscription delivers to the API’s webhook route under application_url', () => {
  for (const s of toml.subscriptions) expect(s.uri).toBe(shopifyWebhookUri(toml.applicationUrl));
});

test('it asks for exactly the scopes the client needs', () => {
  expect([...toml.scopes].sort()).toEqual(Object.keys(REQUIRED_SCOPES).sort());
});

test('webhook bodies come in the API version the configuration uses', () => {
  expect(toml.apiVersion).toBe(loadConfig({}).shopify.apiVersion);
});

test('npm run shopify:toml’s rewrite points every URI at CELLARHAND_API_URL and keeps the rest', () => {
  const apiUrl = 'https://orders.napacellars.com';
  const rewritten = withAppUrls(text, { clientId: '0123456789abcdef', applicationUrl: apiUrl });
  const after = parseAppToml(rewritten);
  expect(after.clientId).toBe('0123456789abcdef');
  for (const s of after.subscriptions) expect(s.uri).toBe(shopifyWebhookUri(apiUrl));
  expect(after.scopes).toEqual(toml.scopes);
  expect(rewritten.split('\n').length).toBe(text.split('\n').length); // comments and layout kept
});
