// Every way a Shopify Admin API call can fail, sorted into what the caller should do about it.
// Messages carry operation names, statuses and Shopify's own messages: never the access token,
// never order contents.
import type { ClientResponse } from '@shopify/admin-api-client';
import type { CallOutcome } from '../call-observer';

export type ShopifyErrorKind =
  | 'transient' // retry later: network, 429, 5xx, THROTTLED
  | 'user_error' // Shopify refused the change (userErrors): retrying the same input will not help
  | 'configuration' // token, scopes, URL or API version are wrong: a person must fix the setup
  | 'not_found'; // the order does not exist (or is outside the 60 days the token may read)

/** Why a setup is wrong, where Shopify says so: a refused grant, an uninstalled app, a missing scope. */
export type ShopifyErrorCode = 'invalid_client' | 'app_not_installed' | 'shop_not_permitted' | 'access_denied' | 'invalid_token' | (string & {});

export class ShopifyError extends Error {
  constructor(
    readonly kind: ShopifyErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly code?: ShopifyErrorCode,
  ) {
    super(message);
    this.name = 'ShopifyError';
  }
}

/**
 * Whether retrying can help. Errors that were never classified (bugs) count as transient: Temporal
 * keeps retrying them until a fix is deployed, which is its default for the unexpected.
 */
export function isTransient(err: unknown): boolean {
  return err instanceof ShopifyError ? err.kind === 'transient' : true;
}

const OUTCOMES: Record<ShopifyErrorKind, CallOutcome> = {
  transient: 'unavailable',
  user_error: 'rejected',
  configuration: 'configuration',
  not_found: 'not_found',
};

/** How a failed Shopify call counts in the metrics (integrations/call-observer.ts). */
export function shopifyCallOutcome(err: unknown): CallOutcome {
  return err instanceof ShopifyError ? OUTCOMES[err.kind] : 'unavailable';
}

type ResponseErrors = NonNullable<ClientResponse['errors']>;

const TRANSIENT_CODES = ['THROTTLED', 'INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE'];

/** The `errors` of a client response: transport failures, HTTP statuses and top-level GraphQL errors. */
export function fromResponseErrors(operation: string, errors: ResponseErrors): ShopifyError {
  const status = errors.networkStatusCode ?? null;
  const graphQLErrors = errors.graphQLErrors ?? [];
  const codes = graphQLErrors.map((e) => e.extensions?.code);
  const said = graphQLErrors.map((e) => e.message).join('; ') || errors.message || 'no details';

  if (status === null) return new ShopifyError('transient', `Shopify ${operation}: no answer (${said})`, null);
  if (status === 401) {
    return new ShopifyError(
      'configuration',
      `Shopify ${operation}: HTTP 401, the access token was refused (is the app still installed? check SHOPIFY_CLIENT_ID/SHOPIFY_CLIENT_SECRET, or SHOPIFY_ADMIN_API_TOKEN)`,
      status,
      'invalid_token',
    );
  }
  // Shopify answers a call outside the granted scopes with ACCESS_DENIED (HTTP 200 or 403).
  if (status === 403 || codes.includes('ACCESS_DENIED')) {
    return new ShopifyError(
      'configuration',
      `Shopify ${operation}: access denied, the app lacks an access scope (${said}). Add it to the app's access scopes (shopify.app.toml or the Dev Dashboard version), release, and approve it on the store.`,
      status,
      'access_denied',
    );
  }
  if (status === 429 || status >= 500 || codes.some((c) => c && TRANSIENT_CODES.includes(c))) {
    return new ShopifyError('transient', `Shopify ${operation}: HTTP ${status} (${said})`, status);
  }
  // Anything else is a request Shopify will never accept as sent: a wrong URL, API version or document.
  return new ShopifyError('configuration', `Shopify ${operation}: HTTP ${status} (${said})`, status);
}

export interface ShopifyUserError {
  field?: string[] | null;
  message: string;
}

/** Shopify's `userErrors`: the mutation ran and refused the input. */
export function fromUserErrors(operation: string, userErrors: ShopifyUserError[]): ShopifyError {
  const listed = userErrors.map((e) => (e.field?.length ? `${e.field.join('.')}: ${e.message}` : e.message)).join('; ');
  return new ShopifyError('user_error', `Shopify ${operation} refused: ${listed}`);
}
