// Vinoshipper's product list through the real client over real HTTP. Its paging is UNCONFIRMED, so
// the client reads every shape a producer API commonly takes: the sandbox's limit/offset pages of
// bare arrays, and (from small local servers) envelopes with a next link or a total, and a server
// that ignores paging altogether.
import { createServer, type Server } from 'node:http';
import express, { type Request } from 'express';
import { VinoshipperClient } from '../../integrations/vinoshipper/client';
import { VinoshipperError } from '../../integrations/vinoshipper/classify';
import { close, listen } from '../helpers/servers';
import { API_KEY, API_SECRET, startSandbox, type RunningSandbox } from './vinoshipper-fixtures';

let vs: RunningSandbox;
beforeAll(async () => {
  vs = await startSandbox();
});
afterAll(() => vs.stop());
beforeEach(() => vs.reset());

const product = (i: number) => ({ id: i, status: 'APPROVED', detail: { name: `Wine ${i}`, sku: `SKU-${i}` }, inventory: { soldOut: false, amount: 5 } });
const skus = (list: { detail?: { sku?: string | null } | null }[]) => list.map((p) => p.detail?.sku);

/** Runs `body` against a stand-in API with its own product route (the client pointed at it, the requests it saw). */
async function withApi(route: (req: Request) => unknown, body: (client: VinoshipperClient, seen: string[]) => Promise<void>): Promise<void> {
  const api = await otherApi(route);
  try {
    await body(api.client, api.seen);
  } finally {
    await close(api.server);
  }
}

async function otherApi(route: (req: Request) => unknown): Promise<{ client: VinoshipperClient; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const app = express();
  app.get('/api/v3/p/products', (req, res) => {
    seen.push(req.originalUrl);
    if (req.headers.authorization !== `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`) return void res.status(401).json({});
    res.json(route(req));
  });
  const server = createServer(app);
  const base = await listen(server);
  return { client: new VinoshipperClient({ apiUrl: `${base}/api/v3/p`, apiKey: API_KEY, apiSecret: API_SECRET, timeoutMs: 2_000 }), seen, server };
}

test('the sandbox pages with limit and offset; the client reads every page', async () => {
  for (let i = 1; i <= 40; i++) await vs.control('PUT', `/products/EXTRA-${i}`, { inventory: i });
  const products = await vs.client().listProducts();
  expect(products).toHaveLength(45);
  expect(new Set(skus(products)).size).toBe(45);

  const page = await fetch(`${vs.apiUrl}/products?limit=25&offset=25`, {
    headers: { authorization: `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}` },
  });
  expect(await page.json()).toHaveLength(20);
});

test('the sandbox refuses paging it cannot read', async () => {
  const res = await fetch(`${vs.apiUrl}/products?limit=1000`, {
    headers: { authorization: `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}` },
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { errors: { field: string }[] }).errors[0].field).toBe('limit');
});

test('an envelope with a next link: followed until it has none', async () => {
  const all = Array.from({ length: 7 }, (_, i) => product(i + 1));
  await withApi(
    (req) => {
      const cursor = Number(req.query.cursor ?? 0);
      const next = cursor + 3 < all.length ? `/api/v3/p/products?cursor=${cursor + 3}` : null;
      return { products: all.slice(cursor, cursor + 3), links: { next } };
    },
    async (client, seen) => {
      expect(skus(await client.listProducts())).toEqual(all.map((p) => p.detail.sku));
      expect(seen).toEqual(['/api/v3/p/products?limit=25&offset=0', '/api/v3/p/products?cursor=3', '/api/v3/p/products?cursor=6']);
    },
  );
});

test('an envelope with a total: offsets until the total is read, even with pages shorter than asked', async () => {
  const all = Array.from({ length: 23 }, (_, i) => product(i + 1));
  await withApi(
    (req) => {
      const offset = Number(req.query.offset);
      return { items: all.slice(offset, offset + 10), totalCount: all.length };
    },
    async (client, seen) => {
      expect(await client.listProducts()).toHaveLength(23);
      expect(seen).toHaveLength(3);
    },
  );
});

test('a server that ignores paging and repeats its whole list: read once, not forever', async () => {
  const all = Array.from({ length: 30 }, (_, i) => product(i + 1));
  await withApi(
    () => all,
    async (client, seen) => {
      expect(await client.listProducts()).toHaveLength(30);
      expect(seen).toHaveLength(2);
    },
  );
});

test('a next link to another host is not followed: the credentials stay home', async () => {
  await withApi(
    () => ({ data: [product(1)], next: 'https://evil.example/products?page=2' }),
    async (client, seen) => {
      const err = await client.listProducts().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VinoshipperError);
      expect(err).toMatchObject({ kind: 'configuration', code: 'FOREIGN_LINK' });
      expect(seen).toHaveLength(1);
    },
  );
});

test('an answer that is neither a list nor an envelope with one is an invalid answer', async () => {
  await withApi(
    () => ({ unexpected: true }),
    async (client) => {
      const err = await client.listProducts().catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'transient', code: 'INVALID_RESPONSE' });
    },
  );
});
