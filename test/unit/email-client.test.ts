// EmailClient through Resend's SDK, over real HTTP, against the Resend sandbox.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { EmailClient, EmailError, isTransientEmailError } from '../../integrations/email/client';
import { createResendSandbox, type ResendSandbox } from '../../sandbox/resend';

const API_KEY = 're_test_key';
let sandbox: ResendSandbox;
let server: Server;
let url: string;

beforeAll(async () => {
  sandbox = createResendSandbox({ apiKey: API_KEY });
  const app = express();
  app.use('/resend', sandbox.api);
  app.use('/sandbox', sandbox.control);
  server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => sandbox.reset());

function client(apiKey = API_KEY, baseUrl = `${url}/resend`): EmailClient {
  return new EmailClient({ apiKey, baseUrl, from: 'cellarhand <orders@cellarhand.example>', to: 'winery@example.com' });
}

const message = {
  subject: '[Action required] Order #1001: product missing',
  html: '<p>Hi</p>',
  text: 'Hi',
  idempotencyKey: 'order-issue/1/product_missing/1/issue',
};

async function sendError(promise: Promise<unknown>): Promise<EmailError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EmailError);
  return err as EmailError;
}

test('sends the email and returns Resend’s id', async () => {
  const { id } = await client().send(message);
  const emails = (await (await fetch(`${url}/sandbox/emails`)).json()) as any[];
  expect(emails).toEqual([
    expect.objectContaining({
      id,
      from: 'cellarhand <orders@cellarhand.example>',
      to: ['winery@example.com'],
      subject: message.subject,
      html: message.html,
      text: message.text,
      idempotencyKey: message.idempotencyKey,
    }),
  ]);
});

test('a retried send with the same idempotency key gets the same id and sends nothing twice', async () => {
  const first = await client().send(message);
  const second = await client().send(message);
  expect(second.id).toBe(first.id);
  expect(sandbox.emails()).toHaveLength(1);
});

test('the same key with a different email is refused, permanently', async () => {
  await client().send(message);
  const err = await sendError(client().send({ ...message, subject: 'something else' }));
  expect(err).toMatchObject({ kind: 'permanent', statusCode: 409, resendName: 'invalid_idempotent_request' });
});

test('a 429 is transient, and the send after it goes through', async () => {
  const res = await fetch(`${url}/sandbox/resend/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 429, count: 1 }),
  });
  expect(res.status).toBe(200);
  const err = await sendError(client().send(message));
  expect(err).toMatchObject({ kind: 'transient', statusCode: 429, resendName: 'rate_limit_exceeded' });
  expect(isTransientEmailError(err)).toBe(true);
  await client().send(message);
  expect(sandbox.emails()).toHaveLength(1);
});

test('a 5xx is transient', async () => {
  await fetch(`${url}/sandbox/resend/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 503, count: 1 }),
  });
  expect(await sendError(client().send(message))).toMatchObject({ kind: 'transient', statusCode: 503 });
});

test('a wrong API key is permanent and does not leak the key', async () => {
  const err = await sendError(client('re_wrong_key').send(message));
  expect(err).toMatchObject({ kind: 'permanent', statusCode: 403, resendName: 'invalid_api_key' });
  expect(isTransientEmailError(err)).toBe(false);
  expect(err.message).not.toContain('re_wrong_key');
});

test('an unreachable Resend is transient', async () => {
  const err = await sendError(client(API_KEY, 'http://127.0.0.1:9').send(message));
  expect(err).toMatchObject({ kind: 'transient', statusCode: null });
});

test('the sandbox validates like Resend and requires the bearer key', async () => {
  const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${API_KEY}` }) =>
    fetch(`${url}/resend/emails`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const missingKey = await post({}, {});
  expect(missingKey.status).toBe(401);
  expect(await missingKey.json()).toMatchObject({ name: 'missing_api_key', statusCode: 401 });
  const noBody = await post({ from: 'a@example.com', to: 'b@example.com', subject: 'x' });
  expect(noBody.status).toBe(422);
  expect(await noBody.json()).toMatchObject({ name: 'validation_error', message: expect.stringMatching(/html|text/) });
  expect(sandbox.emails()).toHaveLength(0);
});

describe('the sender’s domain', () => {
  async function setDomain(name: string, status: string): Promise<void> {
    const res = await fetch(`${url}/sandbox/resend/domains`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, status }),
    });
    expect(res.status).toBe(200);
  }

  test('is read from the account’s domains (GET /domains)', async () => {
    expect(await client().senderDomainStatus()).toEqual({ domain: 'cellarhand.example', status: 'verified' });
    await setDomain('cellarhand.example', 'pending');
    expect(await client().senderDomainStatus()).toEqual({ domain: 'cellarhand.example', status: 'pending' });
  });

  test('a domain the account does not have is null', async () => {
    const other = new EmailClient({ apiKey: API_KEY, baseUrl: `${url}/resend`, from: 'Napa Cellars <orders@napacellars.com>', to: 'winery@example.com' });
    expect(await other.senderDomainStatus()).toBeNull();
  });

  test('a wrong key is refused as when sending', async () => {
    await expect(client('re_wrong').senderDomainStatus()).rejects.toMatchObject({ resendName: 'invalid_api_key', kind: 'permanent' });
  });

  test('sending from an unverified domain is refused, as Resend does', async () => {
    await setDomain('cellarhand.example', 'pending');
    const err = await client()
      .send(message)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmailError);
    expect((err as EmailError).statusCode).toBe(403);
    expect((err as EmailError).message).toMatch(/domain is not verified/);
  });
});
