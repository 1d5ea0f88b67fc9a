// The sandbox store's installed app for tests that build the Shopify sandbox on their own.
import { REQUIRED_SCOPES } from '../../integrations/shopify/scopes';
import type { ShopifyAppOptions } from '../../sandbox/shopify-auth';

export const TEST_CLIENT_ID = 'test-client-id';
export const TEST_CLIENT_SECRET = 'test-client-secret';

export function testShopifyApp(overrides: Partial<ShopifyAppOptions> = {}): ShopifyAppOptions {
  return {
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    staticAccessToken: 'shpat_test_token',
    scopes: Object.keys(REQUIRED_SCOPES),
    tokenLifetimeMs: 24 * 3_600_000,
    ...overrides,
  };
}
