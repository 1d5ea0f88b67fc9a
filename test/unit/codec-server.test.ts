// The codec server over real HTTP, mounted in the real API app: the Temporal codec server protocol,
// bearer and token-in-path auth, CORS for the Web UI's origin.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter } from '@temporalio/common';
import { createApp } from '../../api/app';
import { loadConfig, type Config } from '../../config';
import type { OrderWorkflows } from '../../temporal/order-workflows';
import { request } from '../helpers/http';
import { PRODUCTION } from '../helpers/production-env';

const TOKEN = 'codec-test-token-0123456789';
const UI_ORIGIN = 'http://localhost:18233';
const config = loadConfig({ NODE_ENV: 'test', CODEC_SERVER_TOKEN: TOKEN, CODEC_CORS_ORIGINS: `${UI_ORIGIN},http://127.0.0.1:18233` });

async function start(cfg: Config): Promise<{ url: string; server: Server }> {
  // The codec routes never touch the order workflows.
  const server = createServer(createApp({ config: cfg, orders: {} as OrderWorkflows }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let url: string;
let server: Server;
beforeAll(async () => {
  ({ url, server } = await start(config));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const auth = { authorization: `Bearer ${TOKEN}` };
const secret = { email: 'codec.server@example.net', street: '9 Hidden Cellar Road' };
/** A payload as the Web UI sends it: metadata and data base64. */
function jsonPayload(value: unknown) {
  const p = defaultPayloadConverter.toPayload(value);
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data!).toString('base64'),
  };
}
const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

test('encode then decode round-trips payloads in the codec server protocol', async () => {
  const plain = [jsonPayload(secret), jsonPayload('second')];
  const encoded = await request('POST', `${url}/codec/encode`, { payloads: plain }, auth);
  expect(encoded.status).toBe(200);
  expect(encoded.body.payloads).toHaveLength(2);
  expect(b64(encoded.body.payloads[0].metadata.encoding)).toBe('binary/encrypted');
  expect(b64(encoded.body.payloads[0].metadata['encryption-key-id'])).toBe(config.codec.keys[0].id);
  expect(b64(encoded.body.payloads[0].data)).not.toContain(secret.email);

  const decoded = await request('POST', `${url}/codec/decode`, { payloads: encoded.body.payloads }, { ...auth, 'x-namespace': 'default' });
  expect(decoded.status).toBe(200);
  expect(decoded.body.payloads).toEqual(plain);
});

test('an empty list may be left out, as protobuf JSON does (the temporal CLI)', async () => {
  for (const op of ['encode', 'decode']) {
    const res = await request('POST', `${url}/codec/${op}`, {}, auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ payloads: [] });
  }
});

test('decode passes through payloads that are not encrypted', async () => {
  const plain = [jsonPayload(secret)];
  const res = await request('POST', `${url}/codec/decode`, { payloads: plain }, auth);
  expect(res.status).toBe(200);
  expect(res.body.payloads).toEqual(plain);
});

test('401 without a token, with a wrong token, with another scheme', async () => {
  const body = { payloads: [jsonPayload(secret)] };
  for (const headers of [
    {} as Record<string, string>,
    { authorization: 'Bearer wrong-token-wrong-token' },
    { authorization: `Basic ${TOKEN}` },
    { authorization: `Bearer ${TOKEN}x` },
  ]) {
    for (const op of ['encode', 'decode']) {
      const res = await request('POST', `${url}/codec/${op}`, body, headers);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatch(/codec server token/);
      expect(JSON.stringify(res.body)).not.toContain(TOKEN);
    }
  }
  const wrongPath = await request('POST', `${url}/codec/not-the-token/decode`, body);
  expect(wrongPath.status).toBe(401);
});

test('the token as a path segment works (the dev server UI cannot send headers)', async () => {
  const encoded = await request('POST', `${url}/codec/${TOKEN}/encode`, { payloads: [jsonPayload(secret)] });
  expect(encoded.status).toBe(200);
  const decoded = await request('POST', `${url}/codec/${encodeURIComponent(TOKEN)}/decode`, { payloads: encoded.body.payloads });
  expect(decoded.status).toBe(200);
  expect(JSON.parse(b64(decoded.body.payloads[0].data))).toEqual(secret);
});

test('the token-in-path form is off in production; the header form still works', async () => {
  const prod = loadConfig({ ...PRODUCTION, CODEC_SERVER_TOKEN: TOKEN, CODEC_KEYS: `prod-1:${Buffer.alloc(32, 1).toString('base64')}` });
  const { server: prodServer, url: prodUrl } = await start(prod);
  try {
    const body = { payloads: [jsonPayload(secret)] };
    expect((await request('POST', `${prodUrl}/codec/${TOKEN}/encode`, body)).status).toBe(401);
    expect((await request('POST', `${prodUrl}/codec/encode`, body, auth)).status).toBe(200);
  } finally {
    prodServer.closeAllConnections();
    await new Promise((resolve) => prodServer.close(resolve));
  }
});

test('a bad body is a 400 that does not echo it; an unknown key id a 422 naming the id only', async () => {
  const bad = await request('POST', `${url}/codec/decode`, { payloads: [{ data: 'not base64 !!', metadata: { encoding: secret.email } }] }, auth);
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).not.toContain(secret.email);
  expect((await request('POST', `${url}/codec/decode`, { payloads: 'x' }, auth)).status).toBe(400);
  expect((await request('POST', `${url}/codec/decode`, [], auth)).status).toBe(400);

  const foreign = {
    metadata: { encoding: Buffer.from('binary/encrypted').toString('base64'), 'encryption-key-id': Buffer.from('retired-key').toString('base64') },
    data: Buffer.alloc(64, 3).toString('base64'),
  };
  const unknown = await request('POST', `${url}/codec/decode`, { payloads: [foreign] }, auth);
  expect(unknown.status).toBe(422);
  expect(unknown.body.error).toMatch(/"retired-key"/);
  expect(JSON.stringify(unknown.body)).not.toContain(config.codec.keys[0].key.toString('base64'));
});

test('CORS preflight from an allowed origin gets the headers, without a token', async () => {
  for (const path of ['/codec/decode', `/codec/${TOKEN}/decode`]) {
    const res = await fetch(`${url}${path}`, {
      method: 'OPTIONS',
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-namespace' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  }
  // The actual request carries the header too, so the UI can read the answer (and a 401).
  const ok = await fetch(`${url}/codec/decode`, {
    method: 'POST',
    headers: { origin: UI_ORIGIN, 'content-type': 'application/json', ...auth },
    body: '{"payloads":[]}',
  });
  expect(ok.status).toBe(200);
  expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  const denied = await fetch(`${url}/codec/decode`, {
    method: 'POST',
    headers: { origin: UI_ORIGIN, 'content-type': 'application/json' },
    body: '{"payloads":[]}',
  });
  expect(denied.status).toBe(401);
  expect(denied.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
});

test('CORS preflight from another origin gets no CORS headers', async () => {
  const res = await fetch(`${url}/codec/decode`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  expect(res.status).toBe(403);
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
  expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  const post = await fetch(`${url}/codec/decode`, {
    method: 'POST',
    headers: { origin: 'https://evil.example', 'content-type': 'application/json', ...auth },
    body: '{"payloads":[]}',
  });
  expect(post.headers.get('access-control-allow-origin')).toBeNull();
});
