// `npm run sandbox`: the Shopify, Vinoshipper and Resend stand-ins on one port.
import { loadConfigOrExit } from '../config';
import { createSandbox } from '.';

const config = loadConfigOrExit();
const sandbox = createSandbox(config);
const server = sandbox.app.listen(config.sandbox.port, () => {
  console.log(`sandbox listening on ${config.sandbox.url} (Shopify /shopify, Vinoshipper /vinoshipper/api/v3/p, Resend /resend, control /sandbox/*)`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
