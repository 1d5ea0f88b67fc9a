// Every check of `npm run doctor`, in order, against the services the environment configures. A
// check that needs an earlier one (a token before its scopes, a parsed configuration before any
// service) is shown as skipped rather than failing twice.
import { ConfigError, loadConfig } from '../../config';
import { failure, pass, skipped, type DoctorRow } from './rows';
import { publicUrlRow, resendRow, vinoshipperRow } from './service-checks';
import { shopifyRows } from './shopify-checks';
import { temporalRows } from './temporal-checks';

export interface DoctorOptions {
  /** Register missing search attributes where the server allows it. */
  fix?: boolean;
}

const LATER = [
  'Temporal server',
  'Temporal namespace',
  'Search attributes',
  'Shopify access token',
  'Shopify access scopes',
  'Shopify webhooks',
  'Vinoshipper',
  'Resend',
  'Public webhook URL',
];

export async function runDoctor(env: NodeJS.ProcessEnv, options: DoctorOptions = {}): Promise<DoctorRow[]> {
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [
      failure('Configuration', err.problems.join('; '), 'Set the named variables in .env (see .env.example and README "Configuration").'),
      ...LATER.map((check) => skipped(check, 'the configuration does not parse')),
    ];
  }
  const how = config.shopify.auth.kind === 'client_credentials' ? 'client credentials' : 'legacy admin token';
  const rows: DoctorRow[] = [pass('Configuration', `NODE_ENV=${config.env}, shop ${config.shopify.shopDomain}, Shopify by ${how}`)];
  // Independent services are checked side by side; the table keeps the fixed order.
  const [temporal, shopify, vinoshipper, resend, publicUrl] = await Promise.all([
    temporalRows(config, { fix: options.fix ?? false }),
    shopifyRows(config),
    vinoshipperRow(config),
    resendRow(config),
    publicUrlRow(config),
  ]);
  return [...rows, ...temporal, ...shopify, vinoshipper, resend, publicUrl];
}
