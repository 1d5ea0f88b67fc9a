// The baseline for the webhook acknowledgement (scripts/bench/index.ts, part 3): an express app with
// one route that does only what any Shopify webhook receiver must — read the raw body, verify the
// HMAC with the same function as cellarhand's route — and answers 200. Its own Node process, like
// the API. Environment: SHOPIFY_WEBHOOK_SECRETS (as the API reads it) and BENCH_BARE_PORT.
import express from 'express';
import { loadConfigOrExit } from '../../config';
import { verifyShopifyHmac } from '../../integrations/shopify/webhooks';

const config = loadConfigOrExit();
const app = express();
app.disable('x-powered-by');
app.post('/webhooks/shopify', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (!verifyShopifyHmac(body, req.get('x-shopify-hmac-sha256'), config.shopify.webhookSecrets)) {
    res.status(401).json({ error: 'Invalid or missing X-Shopify-Hmac-Sha256 signature' });
    return;
  }
  res.status(200).json({ ok: true });
});
app.get('/health', (_req, res) => {
  res.json({ ok: true });
});
const server = app.listen(Number(process.env.BENCH_BARE_PORT ?? 0), () => {
  const address = server.address();
  console.log(`bare HMAC route listening on ${typeof address === 'object' && address ? address.port : '?'}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
