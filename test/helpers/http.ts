// Small HTTP helpers for tests: everything goes over real sockets to the real apps.
import { signShopifyWebhook } from '../../integrations/shopify/webhooks';

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Polls until `probe` returns a truthy value (returned) or the deadline passes (throws with the last value). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Delivers a webhook the way Shopify does: raw JSON body, base64 HMAC over the exact bytes, headers. */
export function deliverShopifyWebhook(
  apiUrl: string,
  opts: { topic?: string; payload: unknown; secret: string; shopDomain: string; hmac?: string; webhookId?: string; rawBody?: string },
): Promise<JsonResponse> {
  const raw = opts.rawBody ?? JSON.stringify(opts.payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-shopify-hmac-sha256': opts.hmac ?? signShopifyWebhook(raw, opts.secret),
    'x-shopify-shop-domain': opts.shopDomain,
    'x-shopify-webhook-id': opts.webhookId ?? `test-${Math.random().toString(36).slice(2)}`,
    'x-shopify-api-version': '2026-10',
  };
  if (opts.topic) headers['x-shopify-topic'] = opts.topic;
  return request('POST', `${apiUrl}/webhooks/shopify`, raw, headers);
}
