// The Shopify sandbox's products and variants: the control routes that create a mismatch, the Admin
// GraphQL `products` query with its pagination, and ShopifyAdmin reading the whole active catalogue
// through Shopify's official client over real HTTP.
import { createServer, type Server } from 'node:http';
import express from 'express';
import { ShopifyAdmin } from '../../integrations/shopify/admin';
import { ShopifyError } from '../../integrations/shopify/errors';
import { createShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';
import { close, listen } from '../helpers/servers';
import { testShopifyApp } from '../helpers/shopify-app';

const SHOP = 'cellarhand-test.myshopify.com';
const TOKEN = 'shpat_test_token';

let sandbox: ShopifySandbox;
let server: Server;
let url: string;
let admin: ShopifyAdmin;

beforeAll(async () => {
  sandbox = createShopifySandbox({ shopDomain: SHOP, app: testShopifyApp({ staticAccessToken: TOKEN }), webhookSecret: 'secret' });
  const app = express();
  app.use('/shopify', sandbox.api);
  app.use('/sandbox/shopify', sandbox.control);
  server = createServer(app);
  url = await listen(server);
  admin = new ShopifyAdmin({ shopDomain: SHOP, adminApiUrl: `${url}/shopify`, accessToken: TOKEN, apiVersion: '2026-10' });
});
afterAll(() => close(server));
beforeEach(() => sandbox.reset());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? { 'x-shopify-access-token': TOKEN } : { 'content-type': 'application/json', 'x-shopify-access-token': TOKEN },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function readAll(): Promise<Awaited<ReturnType<ShopifyAdmin['listActiveProductVariants']>>['variants']> {
  const variants = [];
  let after: string | undefined;
  for (;;) {
    const page = await admin.listActiveProductVariants(after);
    variants.push(...page.variants);
    if (!page.hasNextPage || !page.endCursor) return variants;
    after = page.endCursor;
  }
}

test('a fresh store sells the demo wines; the sold-out magnum is not for sale', async () => {
  const variants = await readAll();
  expect(variants.map((v) => v.sku).sort()).toEqual(['CAB-2021-750', 'CHARD-2023-750', 'PINOT-2022-750', 'ROSE-2023-750', 'SYRAH-2019-1500']);
  expect(variants.find((v) => v.sku === 'SYRAH-2019-1500')?.availableForSale).toBe(false);
  expect(variants.every((v) => v.productStatus === 'ACTIVE')).toBe(true);
});

test('PUT creates and changes a product by SKU, DELETE removes it; only active products are read', async () => {
  const created = await call('PUT', '/sandbox/shopify/products/MERLOT-2020', { title: 'Merlot 2020' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    title: 'Merlot 2020',
    status: 'ACTIVE',
    variants: [{ sku: 'MERLOT-2020', title: 'Default Title', available_for_sale: true }],
  });

  const gift = await call('PUT', '/sandbox/shopify/products/GIFT-BOX', {
    title: 'Gift box',
    variants: [
      { sku: 'GIFT-BOX', title: 'Large' },
      { sku: null, title: 'Small' },
    ],
  });
  expect(gift.body.variants.map((v: any) => v.sku)).toEqual(['GIFT-BOX', null]);

  const drafted = await call('PUT', '/sandbox/shopify/products/MERLOT-2020', { status: 'draft' });
  expect(drafted.status).toBe(200);
  expect(drafted.body.id).toBe(created.body.id);
  expect(drafted.body.variants[0].id).toBe(created.body.variants[0].id);

  const skus = (await readAll()).map((v) => v.sku);
  expect(skus).toContain('GIFT-BOX');
  expect(skus).toContain(null);
  expect(skus).not.toContain('MERLOT-2020');

  expect((await call('DELETE', '/sandbox/shopify/products/GIFT-BOX')).status).toBe(204);
  expect((await call('DELETE', '/sandbox/shopify/products/GIFT-BOX')).status).toBe(404);
  expect((await call('GET', '/sandbox/shopify/products')).body).toHaveLength(6);
});

test('bad product input is refused with the reason, and changes nothing', async () => {
  const wrongStatus = await call('PUT', '/sandbox/shopify/products/X-1', { status: 'hidden' });
  expect(wrongStatus.status).toBe(400);
  expect(wrongStatus.body.problems.join(' ')).toContain('must be active, draft or archived');
  const withoutPathSku = await call('PUT', '/sandbox/shopify/products/X-1', { variants: [{ sku: 'OTHER' }] });
  expect(withoutPathSku.status).toBe(400);
  expect(withoutPathSku.body.problems).toEqual(['variants must include the SKU in the path (X-1)']);
  expect((await call('PUT', '/sandbox/shopify/products/X-1', { colour: 'red' })).status).toBe(400);
  expect((await call('GET', '/sandbox/shopify/products')).body).toHaveLength(5);
});

test('many products and many variants: every page read, the long product’s variants too', async () => {
  for (let i = 1; i <= 45; i++) await call('PUT', `/sandbox/shopify/products/BULK-${i}`, {});
  const variants = Array.from({ length: 55 }, (_, i) => ({ sku: `SIZE-${i}`, title: `Size ${i}` }));
  await call('PUT', '/sandbox/shopify/products/SIZE-0', { title: 'Many sizes', variants });
  const all = await readAll();
  expect(all).toHaveLength(5 + 45 + 55);
  expect(new Set(all.map((v) => v.variantId)).size).toBe(all.length);
  expect(all.filter((v) => v.productTitle === 'Many sizes')).toHaveLength(55);
});

test('the products query: cursor pagination, the status search, and Shopify’s errors', async () => {
  const query = (q: string, variables = {}) => call('POST', '/shopify/admin/api/2026-10/graphql.json', { query: q, variables });
  const first = await query('{ products(first: 2, query: "status:active") { nodes { title } pageInfo { hasNextPage endCursor } } }');
  expect(first.body.data.products.nodes).toHaveLength(2);
  expect(first.body.data.products.pageInfo.hasNextPage).toBe(true);
  const rest = await query('query($after: String) { products(first: 10, after: $after) { nodes { title } pageInfo { hasNextPage } } }', {
    after: first.body.data.products.pageInfo.endCursor,
  });
  expect(rest.body.data.products.nodes).toHaveLength(3);
  expect(rest.body.data.products.pageInfo.hasNextPage).toBe(false);

  expect((await query('{ products(query: "status:active") { nodes { title } } }')).body.errors[0].message).toBe('you must provide one of first or last');
  expect((await query('{ products(first: 5, query: "vendor:acme") { nodes { title } } }')).body.errors[0].message).toContain('status:<active|draft|archived>');
});

test('products and variants outlive a restart (exported and imported with the shop)', async () => {
  await call('PUT', '/sandbox/shopify/products/KEEP-ME', { title: 'Kept' });
  const saved = sandbox.exportState();
  sandbox.reset();
  expect((await call('GET', '/sandbox/shopify/products')).body.map((p: any) => p.title)).not.toContain('Kept');
  expect(sandbox.importState(saved)).toBe(true);
  expect((await call('GET', '/sandbox/shopify/products')).body.map((p: any) => p.title)).toContain('Kept');
  // A file from before the sandbox kept products: the demo wines.
  const { catalog: _catalog, ...older } = saved;
  expect(sandbox.importState(older)).toBe(true);
  expect((await call('GET', '/sandbox/shopify/products')).body).toHaveLength(5);
});

test('reading the catalogue needs read_products: without it, a configuration error naming the scope', async () => {
  expect((await call('PATCH', '/sandbox/shopify/app', { scopes: ['write_orders', 'write_merchant_managed_fulfillment_orders'] })).status).toBe(200);
  const err = (await admin.listActiveProductVariants().then(
    () => null,
    (e: unknown) => e,
  )) as ShopifyError;
  expect(err).toBeInstanceOf(ShopifyError);
  expect(err.kind).toBe('configuration');
  expect(err.code).toBe('access_denied');
  expect(err.message).toMatch(/read_products/);
  expect((await call('PATCH', '/sandbox/shopify/app', { scopes: ['write_orders', 'write_merchant_managed_fulfillment_orders', 'read_products'] })).status).toBe(
    200,
  );
  expect((await admin.listActiveProductVariants()).variants.length).toBeGreaterThan(0);
});
