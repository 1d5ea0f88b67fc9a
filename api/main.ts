// `npm run api`: the HTTP API against the configured Temporal (dev server, self-hosted or Cloud).
import { loadConfigOrExit } from '../config';
import { connectClient } from '../temporal/connection';
import { OrderWorkflows } from '../temporal/order-workflows';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const client = await connectClient(config.temporal, config.codec);
  const orders = new OrderWorkflows(client, { shopDomain: config.shopify.shopDomain, taskQueue: config.temporal.taskQueue, settings: config.orders });
  const server = createApp({ config, orders }).listen(config.api.port, () => {
    console.log(`API listening on http://localhost:${config.api.port} (webhooks: POST /webhooks/shopify)`);
  });
  const stop = () => {
    // Finish requests in progress, but don't wait for idle keep-alive connections to time out.
    server.close(() => void client.connection.close().then(() => process.exit(0)));
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 250).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error('API stopped:', err instanceof Error ? err.message : err);
  process.exit(1);
});
