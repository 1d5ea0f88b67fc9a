// A complete production environment, every secret and setting its own: what tests of production
// behaviour start from, changing one variable at a time.
export const PRODUCTION: Record<string, string> = {
  NODE_ENV: 'production',
  SHOPIFY_SHOP_DOMAIN: 'napa-cellars.myshopify.com',
  SHOPIFY_ADMIN_API_URL: 'https://napa-cellars.myshopify.com',
  SHOPIFY_CLIENT_ID: '0123456789abcdef0123456789abcdef',
  SHOPIFY_CLIENT_SECRET: 'shpss_0123456789abcdef',
  VINOSHIPPER_API_URL: 'https://vinoshipper.com/api/v3/p',
  VINOSHIPPER_API_KEY: '4242.live',
  VINOSHIPPER_API_SECRET: 'live-secret-4242',
  VINOSHIPPER_WEBHOOK_TOKEN: 'b3f1c2d4e5f60718293a4b5c6d7e8f90',
  VINOSHIPPER_ORDER_PREFIX: 'NAPA-',
  RESEND_API_KEY: 're_live_123',
  RESEND_BASE_URL: 'https://api.resend.com',
  EMAIL_FROM: 'Napa Cellars <orders@napacellars.com>',
  MERCHANT_ALERT_EMAIL: 'office@napacellars.com',
  CELLARHAND_API_URL: 'https://orders.napacellars.com',
  API_TRUST_PROXY: '1',
  TEMPORAL_UI_URL: 'https://temporal.napacellars.com',
  OPS_API_TOKEN: 'ops-token-of-our-own-0123456789',
  CODEC_KEYS: `live-1:${Buffer.alloc(32, 9).toString('base64')}`,
  CODEC_SERVER_TOKEN: 'codec-token-of-our-own-0123456789',
};
