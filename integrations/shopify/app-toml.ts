// shopify.app.toml: the app's declared scopes and webhook subscriptions (deployed with Shopify
// CLI). Read here to check it against the configuration (`npm run doctor`, tests) and to write the
// two values that differ per winery: client_id and application_url.
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { z } from 'zod';

export const APP_TOML = 'shopify.app.toml';

const tomlSchema = z.object({
  client_id: z.string(),
  application_url: z.string(),
  access_scopes: z.object({ scopes: z.string() }),
  webhooks: z.object({
    api_version: z.string(),
    subscriptions: z.array(z.object({ topics: z.array(z.string()).default([]), compliance_topics: z.array(z.string()).default([]), uri: z.string() })),
  }),
});

export interface AppToml {
  clientId: string;
  applicationUrl: string;
  scopes: string[];
  apiVersion: string;
  /** Every subscribed topic (compliance topics included) with its URI resolved against application_url. */
  subscriptions: { topic: string; uri: string; compliance: boolean }[];
}

export function parseAppToml(text: string): AppToml {
  const toml = tomlSchema.parse(parse(text));
  // Relative URIs are relative to application_url, as Shopify CLI resolves them.
  const resolve = (uri: string) => (uri.startsWith('/') ? `${toml.application_url.replace(/\/+$/, '')}${uri}` : uri);
  return {
    clientId: toml.client_id,
    applicationUrl: toml.application_url,
    scopes: toml.access_scopes.scopes
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    apiVersion: toml.webhooks.api_version,
    subscriptions: toml.webhooks.subscriptions.flatMap((s) => [
      ...s.topics.map((topic) => ({ topic, uri: resolve(s.uri), compliance: false })),
      ...s.compliance_topics.map((topic) => ({ topic, uri: resolve(s.uri), compliance: true })),
    ]),
  };
}

export function readAppToml(path = APP_TOML): AppToml {
  return parseAppToml(readFileSync(path, 'utf8'));
}

/** The file with client_id and application_url replaced, comments and layout kept. */
export function withAppUrls(text: string, values: { clientId?: string; applicationUrl: string }): string {
  const set = (source: string, key: string, value: string) => {
    const line = new RegExp(`^${key}\\s*=.*$`, 'm');
    if (!line.test(source)) throw new Error(`${APP_TOML} has no top-level ${key} line`);
    return source.replace(line, `${key} = ${JSON.stringify(value)}`);
  };
  const withUrl = set(text, 'application_url', values.applicationUrl);
  return values.clientId === undefined ? withUrl : set(withUrl, 'client_id', values.clientId);
}
