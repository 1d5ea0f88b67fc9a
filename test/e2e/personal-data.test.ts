// Personal data in Temporal: an order's history, read straight from Temporal without the codec,
// holds no customer name, email, phone, address or date of birth, and no failure message in clear;
// with the codec everything reads back. Real dev server, real worker, real HTTP.
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { orderWorkflowId } from '../../domain';
import { createCodec } from '../../temporal/data-converter';
import { startStack, type Stack } from '../helpers/stack';
import { request, waitFor } from '../helpers/http';

// Distinctive values, so a hit can only come from this order.
const person = {
  firstName: 'Quillon',
  lastName: 'Marchetti-Vale',
  email: 'quillon.marchetti-vale@privacy-test.example',
  phone: '+15035550199',
  street: '4417 Obsidian Terrace',
  zip: '97219',
  dob: '1947-03-19',
};
/** The personal data as the order's payloads carry it. */
const SECRETS = [person.firstName, person.lastName, person.email, person.phone, person.street, person.dob];
/** …and other forms it could take (the DOB as Vinoshipper gets it, say): none may show without the codec either. */
const MAYBE = ['03/19/1947', '19/03/1947', '1947-3-19', '"year":1947'];

let stack: Stack;
let raw: Client;
beforeAll(async () => {
  stack = await startStack();
  // Straight from Temporal: the same server, no codec, no failure converter.
  raw = new Client({ connection: stack.env.connection, namespace: stack.config.temporal.namespace });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

test('an order workflow stores no personal data in clear; with the codec it all reads back', async () => {
  // Vinoshipper is down for the first two calls: the submit activity fails with a message, then succeeds.
  expect((await request('POST', `${stack.sandboxUrl}/sandbox/vinoshipper/faults`, { mode: 'unavailable', count: 2 })).status).toBe(200);
  const address = {
    first_name: person.firstName,
    last_name: person.lastName,
    address1: person.street,
    city: 'Portland',
    province: 'Oregon',
    province_code: 'OR',
    zip: person.zip,
    country: 'United States',
    country_code: 'US',
    phone: person.phone,
  };
  const created = await request('POST', `${stack.sandboxUrl}/sandbox/shopify/orders`, {
    line_items: [{ sku: 'PINOT-2022-750', quantity: 1, price: '36.00' }],
    email: person.email,
    phone: person.phone,
    customer: { first_name: person.firstName, last_name: person.lastName, email: person.email },
    shipping_address: address,
    billing_address: address,
    note_attributes: [{ name: stack.config.orders.dateOfBirthAttribute, value: person.dob }],
  });
  expect(created.status).toBe(201);
  const { id, name } = created.body as { id: string; name: string };
  const workflowId = orderWorkflowId(stack.config.shopify.shopDomain, id);

  // The codec-enabled client (the API's) queries as usual.
  const status = await waitFor(
    'status submitted',
    async () => {
      const view = await stack.orders.status(id);
      return view.status === 'submitted' && view.timeline.some((e) => e.event === 'written_back') && view;
    },
    40_000,
  );
  expect(status.shopifyOrderName).toBe(name);
  // Vinoshipper got the real person: encryption is only at rest in Temporal.
  const held = await request('GET', `${stack.sandboxUrl}/sandbox/vinoshipper/orders/${status.vinoshipperOrderNumber}`);
  expect(JSON.stringify(held.body)).toContain(person.email);

  // ---- Without the codec: the whole history, every byte field read as text ----
  const history = await raw.workflow.getHandle(workflowId).fetchHistory();
  const clearText = asText(history);
  for (const secret of [...SECRETS, ...MAYBE]) expect({ secret, found: clearText.includes(secret) }).toEqual({ secret, found: false });

  const payloads = collectPayloads(history);
  const encodings = payloads.map((p) => utf8(p.metadata?.encoding));
  // Everything the SDK writes is encrypted with the configured key; only search attributes are not.
  const searchAttributePayloads = new Set(collectSearchAttributePayloads(history));
  const others = payloads.filter((p) => !searchAttributePayloads.has(p));
  expect(others.length).toBeGreaterThan(5);
  expect(new Set(others.map((p) => utf8(p.metadata?.encoding)))).toEqual(new Set(['binary/encrypted']));
  expect(new Set(others.map((p) => utf8(p.metadata?.['encryption-key-id'])))).toEqual(new Set([stack.config.codec.keys[0].id]));
  expect(encodings).toContain('json/plain'); // the search attributes, readable for the Web UI's filters
  expect(clearText).toContain('"submitted"');
  expect(clearText).toContain(`"${name}"`);

  // Failure messages: the failed Vinoshipper attempt is on record, its message encoded.
  const failures = collectFailures(history).filter((f) => f.applicationFailureInfo);
  expect(failures.length).toBeGreaterThan(0);
  for (const failure of failures) {
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace ?? '').toBe('');
    expect(utf8(failure.encodedAttributes?.metadata?.encoding)).toBe('binary/encrypted');
  }
  expect(clearText).not.toMatch(/temporarily unavailable/);

  // What the Web UI gets without the codec: the list view's search attributes are readable…
  const listed = await waitFor('visibility to show the order', async () => {
    for await (const wf of raw.workflow.list({ query: `WorkflowId="${workflowId}" AND OrderStatus="submitted"` })) return wf;
    return null;
  });
  expect(listed.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
    expect.arrayContaining([
      ['OrderStatus', 'submitted'],
      ['ShopifyOrderName', name],
      ['VinoshipperOrderNumber', status.vinoshipperOrderNumber],
    ]),
  );
  // …the summary and the current details are encrypted.
  const described = await raw.workflowService.describeWorkflowExecution({ namespace: stack.config.temporal.namespace, execution: { workflowId } });
  const summary = described.executionConfig?.userMetadata?.summary;
  expect(utf8(summary?.metadata?.encoding)).toBe('binary/encrypted');
  const metadataQuery = await raw.workflowService.queryWorkflow({
    namespace: stack.config.temporal.namespace,
    execution: { workflowId },
    query: { queryType: '__temporal_workflow_metadata' },
  });
  const details = metadataQuery.queryResult?.payloads?.[0];
  expect(utf8(details?.metadata?.encoding)).toBe('binary/encrypted');
  expect(utf8(details?.data)).not.toContain('Status');

  // ---- With the codec: the same history reads back in full ----
  const codec = createCodec(stack.config.codec);
  const decoded = await codec.decode(payloads);
  const decodedText = decoded.map((p) => utf8(p.data)).join('\n');
  for (const secret of SECRETS) expect({ secret, found: decodedText.includes(secret) }).toEqual({ secret, found: true });
  // The workflow input's snapshot carries the customer.
  const started = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!.workflowExecutionStartedEventAttributes!;
  const [input] = await codec.decode(started.input!.payloads!);
  const snapshot = JSON.parse(utf8(input.data)).snapshot;
  expect(snapshot.email).toBe(person.email);
  expect(snapshot.shippingAddress.address1).toBe(person.street);
  expect(snapshot.noteAttributes).toEqual([{ name: stack.config.orders.dateOfBirthAttribute, value: person.dob }]);
  // The failure message reads back through the codec.
  const [attributes] = await codec.decode([failures[0].encodedAttributes!]);
  expect(JSON.parse(utf8(attributes.data)).message).toMatch(/unavailable/i);
  // Summary and details through the codec client, as the Web UI shows them with the codec server.
  const handle = stack.env.client.workflow.getHandle(workflowId);
  expect(await (await handle.describe()).staticSummary()).toBe(`Order ${name} · ${stack.config.shopify.shopDomain}`);
  const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails: string };
  expect(metadata.currentDetails).toContain('`submitted`');
  for (const secret of [...SECRETS, ...MAYBE]) expect(metadata.currentDetails).not.toContain(secret);
}, 90_000);

// ---- history walking ----

type History = temporal.api.history.v1.IHistory;
type Failure = temporal.api.failure.v1.IFailure;

const utf8 = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : '');

/** The whole history as text, every bytes field decoded as UTF-8 (so clear JSON payloads would show). */
function asText(value: unknown): string {
  // By hand rather than JSON.stringify: protobuf messages' toJSON would turn bytes into base64.
  const parts: string[] = [];
  const visit = (v: unknown, key: string): void => {
    if (v == null) return;
    if (v instanceof Uint8Array) parts.push(`${key}=${Buffer.from(v).toString('utf8')}`);
    else if (Array.isArray(v)) v.forEach((item) => visit(item, key));
    else if (typeof v === 'object' && typeof (v as { low?: unknown }).low === 'number') parts.push(`${key}=${String(v)}`);
    else if (typeof v === 'object') for (const k of Object.keys(v)) visit((v as Record<string, unknown>)[k], k);
    else parts.push(`${key}=${String(v)}`);
  };
  visit(value, 'history');
  return parts.join('\n');
}

function walk(value: unknown, visit: (node: Record<string, any>) => boolean | void): void {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
    return;
  }
  if (visit(value as Record<string, any>) === false) return;
  for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key], visit);
}

function isPayload(node: Record<string, any>): boolean {
  return !!node.metadata && typeof node.metadata === 'object' && Object.values(node.metadata).some((v) => v instanceof Uint8Array) && 'data' in node;
}

function collectPayloads(history: History): Payload[] {
  const found: Payload[] = [];
  walk(history, (node) => {
    if (isPayload(node)) {
      found.push(node as Payload);
      return false;
    }
  });
  return found;
}

function collectSearchAttributePayloads(history: History): Payload[] {
  const found: Payload[] = [];
  walk(history, (node) => {
    if (node.indexedFields && typeof node.indexedFields === 'object') {
      found.push(...(Object.values(node.indexedFields) as Payload[]));
      return false;
    }
  });
  return found;
}

function collectFailures(history: History): Failure[] {
  const found: Failure[] = [];
  walk(history, (node) => {
    for (const key of ['failure', 'lastFailure', 'cause']) {
      if (node[key] && typeof node[key] === 'object') found.push(node[key] as Failure);
    }
  });
  return found;
}
