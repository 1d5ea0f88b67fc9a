// The doctor's rows for Vinoshipper (credentials accepted by a read-only call), Resend (key valid,
// sender's domain verified) and the public webhook URL (answers /health when it is not local).
import type { Config } from '../../config';
import { EmailClient, EmailError } from '../../integrations/email/client';
import { VinoshipperClient } from '../../integrations/vinoshipper/client';
import { VinoshipperError } from '../../integrations/vinoshipper/classify';
import { failure, pass, skipped, warning, type DoctorRow } from './rows';

const HEALTH_TIMEOUT_MS = 5_000;

export async function vinoshipperRow(config: Config): Promise<DoctorRow> {
  const CHECK = 'Vinoshipper';
  try {
    // Read-only: the producer's catalogue (also proves the URL is Vinoshipper's producer API).
    const products = await new VinoshipperClient(config.vinoshipper).listProducts();
    return pass(CHECK, `credentials accepted at ${config.vinoshipper.apiUrl} (${products.length} products)`);
  } catch (err) {
    const status = err instanceof VinoshipperError ? err.status : null;
    const detail = err instanceof Error ? err.message : String(err);
    if (status === 401 || status === 403) {
      return failure(CHECK, detail, 'Check VINOSHIPPER_API_KEY and VINOSHIPPER_API_SECRET: the API key pair from Vinoshipper (producer account → API access).');
    }
    if (err instanceof VinoshipperError && err.kind === 'transient') {
      return failure(
        CHECK,
        detail,
        'Check VINOSHIPPER_API_URL (https://vinoshipper.com/api/v3/p) and the network; Vinoshipper may also be briefly unavailable.',
      );
    }
    return failure(CHECK, detail, 'Check VINOSHIPPER_API_URL: it should be https://vinoshipper.com/api/v3/p.');
  }
}

export async function resendRow(config: Config): Promise<DoctorRow> {
  const CHECK = 'Resend';
  const client = new EmailClient({
    apiKey: config.email.resendApiKey,
    baseUrl: config.email.resendBaseUrl,
    from: config.email.from,
    to: config.email.merchantAlertEmail,
  });
  try {
    const found = await client.senderDomainStatus();
    if (!found) {
      return failure(
        CHECK,
        `EMAIL_FROM's domain is not in this Resend account`,
        'Add the domain in Resend → Domains and publish the DNS records it shows, or set EMAIL_FROM to an address on a verified domain.',
      );
    }
    if (found.status !== 'verified') {
      return failure(
        CHECK,
        `${found.domain} is ${found.status}, not verified: Resend refuses to send from it`,
        `Publish the DNS records Resend → Domains → ${found.domain} lists, then verify it there.`,
      );
    }
    return pass(CHECK, `key accepted; ${found.domain} verified`);
  } catch (err) {
    const name = err instanceof EmailError ? err.resendName : undefined;
    const detail = err instanceof Error ? err.message : String(err);
    if (name === 'restricted_api_key') {
      return warning(
        CHECK,
        'the key may only send, so the domain could not be checked',
        'Check Resend → Domains shows the sender’s domain as verified (a sending-only key is right for production).',
      );
    }
    if (name === 'invalid_api_key' || name === 'missing_api_key') return failure(CHECK, detail, 'Check RESEND_API_KEY (Resend → API Keys).');
    return failure(CHECK, detail, 'Check RESEND_BASE_URL (https://api.resend.com) and the network.');
  }
}

/** Shopify must reach the API: unless it is on this machine, GET /health at the public URL. */
export async function publicUrlRow(config: Config): Promise<DoctorRow> {
  const CHECK = 'Public webhook URL';
  const url = config.api.publicUrl;
  const { hostname, protocol } = new URL(url);
  if (['localhost', '127.0.0.1', '[::1]', '0.0.0.0'].includes(hostname)) {
    return skipped(CHECK, `${url} is local: only the sandbox can deliver to it (Shopify needs a public https URL)`);
  }
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    const body = (await res.json().catch(() => null)) as { ok?: unknown } | null;
    if (!res.ok || body?.ok !== true) {
      return failure(
        CHECK,
        `${url}/health answered HTTP ${res.status}, not cellarhand's {"ok":true}`,
        'Point CELLARHAND_API_URL (and your proxy) at this API.',
      );
    }
    if (protocol !== 'https:')
      return warning(CHECK, `${url}/health answers, but over http`, 'Shopify delivers webhooks over https only: serve the API behind TLS.');
    return pass(CHECK, `${url}/health answers`);
  } catch (err) {
    const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    return failure(
      CHECK,
      `${url}/health does not answer (${why})`,
      'Make CELLARHAND_API_URL reach this API from the internet (DNS, TLS, reverse proxy or tunnel): Shopify delivers webhooks there.',
    );
  }
}
