// A stand-in for Resend's POST /emails and GET /domains: the same auth, validation, idempotency and
// error bodies as the real API (a sender must be on a verified domain), and every accepted email
// kept for people and tests to read.
import { createHash, randomUUID } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Response } from 'express';
import { z } from 'zod';
import { senderDomain } from '../integrations/email/client';
import { objects, parseState, STATE_VERSION } from './state';

export interface CapturedEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  idempotencyKey: string | null;
  createdAt: string;
}

export interface ResendSandbox {
  /** Mounted at /resend: POST /emails, GET /domains. */
  api: Router;
  /** Mounted at /sandbox: GET and DELETE /emails, GET and POST /resend/faults, GET and POST /resend/domains. */
  control: Router;
  reset(): void;
  emails(): CapturedEmail[];
  /** Plain JSON of the captured emails and idempotency keys; faults are left out. */
  exportState(): ResendSandboxState;
  /** Replaces everything with a saved state; false (and a warning) when it cannot be read, changing nothing. */
  importState(state: unknown): boolean;
}

export interface ResendSandboxState {
  version: typeof STATE_VERSION;
  emails: CapturedEmail[];
  /** Keys still inside Resend's 24-hour window: a repeat after a restart is still answered with the first id. */
  idempotency: IdempotencyRecord[];
}

interface IdempotencyRecord {
  key: string;
  fingerprint: string;
  id: string;
  /** Epoch milliseconds of the first request. */
  at: number;
}

const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  emails: objects<CapturedEmail>(),
  idempotency: z.array(z.object({ key: z.string(), fingerprint: z.string(), id: z.string(), at: z.number() })),
});

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

const FAULT_BODIES = {
  429: {
    name: 'rate_limit_exceeded',
    message: 'Too many requests. You can only make 2 requests per second. See rate limit response headers for more information.',
  },
  500: { name: 'internal_server_error', message: 'An unexpected error occurred.' },
  503: { name: 'application_error', message: 'The service is temporarily unavailable.' },
} as const;

const emailSchema = z
  .object({
    from: z.string().trim().min(1, 'The `from` field is missing.'),
    to: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1).max(50)], { message: 'The `to` field is missing.' }),
    subject: z.string().min(1, 'The `subject` field is missing.'),
    html: z.string().nullish(),
    text: z.string().nullish(),
  })
  .refine((e) => e.html || e.text, { message: 'Missing `html` or `text` field.' });

/** Resend's domain statuses (SDK type DomainStatus). */
const DOMAIN_STATUSES = ['not_started', 'pending', 'verified', 'failed', 'partially_verified', 'partially_failed'] as const;
type DomainStatus = (typeof DOMAIN_STATUSES)[number];
interface SandboxDomain {
  id: string;
  name: string;
  status: DomainStatus;
  created_at: string;
}
const domainInput = z.strictObject({ name: z.string().trim().toLowerCase().min(3), status: z.enum(DOMAIN_STATUSES) });

const faultSchema = z.object({
  status: z.union([z.literal(429), z.literal(500), z.literal(503)]),
  count: z.number().int().min(1).default(1),
});

export interface ResendSandboxOptions {
  apiKey: string;
  /** Domains the account has verified; emails from any other domain are refused, as Resend does. */
  verifiedDomains?: string[];
}

export function createResendSandbox(opts: ResendSandboxOptions): ResendSandbox {
  const seedDomains = (): SandboxDomain[] =>
    (opts.verifiedDomains ?? ['cellarhand.example']).map((name) => ({ id: randomUUID(), name, status: 'verified', created_at: new Date().toISOString() }));
  let domains = seedDomains();
  let captured: CapturedEmail[] = [];
  let idempotent = new Map<string, { fingerprint: string; id: string; at: number }>();
  let fault: { status: 429 | 500 | 503; remaining: number } | null = null;
  /** Failures answered since the last reset, by status: what a fault run reports it injected. */
  let injected = { 429: 0, 500: 0, 503: 0 };

  const api = Router();
  api.use(express.json({ limit: '5mb' }));
  api.use((req, res, next) => {
    const auth = req.get('authorization');
    if (!auth?.startsWith('Bearer ')) {
      return resendError(
        res,
        401,
        'missing_api_key',
        'Missing API key in the authorization header. Include the following header Authorization: Bearer YOUR_API_KEY in the request.',
      );
    }
    if (auth.slice('Bearer '.length) !== opts.apiKey) return resendError(res, 403, 'invalid_api_key', 'API key is invalid');
    next();
  });
  api.get('/domains', (_req, res) => {
    res.json({
      object: 'list',
      has_more: false,
      data: domains.map((d) => ({ ...d, region: 'us-east-1', capabilities: { sending: 'enabled', receiving: 'disabled' } })),
    });
  });
  api.post('/emails', (req, res) => {
    if (fault && fault.remaining > 0) {
      fault.remaining -= 1;
      injected[fault.status] += 1;
      const body = FAULT_BODIES[fault.status];
      if (fault.status === 429) res.set({ 'retry-after': '1', 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
      return resendError(res, fault.status, body.name, body.message);
    }

    const parsed = emailSchema.safeParse(req.body ?? {});
    if (!parsed.success) return resendError(res, 422, 'validation_error', parsed.error.issues[0].message);
    const email = parsed.data;
    const fromDomain = senderDomain(email.from);
    if (!domains.some((d) => d.name === fromDomain && d.status === 'verified')) {
      return resendError(
        res,
        403,
        'validation_error',
        `The ${fromDomain ?? email.from} domain is not verified. Please, add and verify your domain on https://resend.com/domains`,
      );
    }

    const key = req.get('idempotency-key') ?? null;
    if (key !== null && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      return resendError(res, 400, 'invalid_idempotency_key', `The key must be between 1-${MAX_IDEMPOTENCY_KEY_LENGTH} chars.`);
    }
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([email.from, email.to, email.subject, email.html, email.text]))
      .digest('hex');
    const earlier = key === null ? undefined : idempotent.get(key);
    if (earlier && Date.now() - earlier.at < IDEMPOTENCY_WINDOW_MS) {
      if (earlier.fingerprint !== fingerprint) {
        return resendError(
          res,
          409,
          'invalid_idempotent_request',
          'Same idempotency key used with a different request payload. Change your idempotency key or payload.',
        );
      }
      return res.status(200).json({ id: earlier.id });
    }

    const id = randomUUID();
    if (key !== null) idempotent.set(key, { fingerprint, id, at: Date.now() });
    captured.push({
      id,
      from: email.from,
      to: typeof email.to === 'string' ? [email.to] : email.to,
      subject: email.subject,
      html: email.html ?? null,
      text: email.text ?? null,
      idempotencyKey: key,
      createdAt: new Date().toISOString(),
    });
    res.status(200).json({ id });
  });
  api.use(resendErrorHandler);

  const control = Router();
  control.use(express.json());
  control.get('/emails', (_req, res) => {
    res.json(captured);
  });
  control.delete('/emails', (_req, res) => {
    captured = [];
    res.json({ ok: true });
  });
  control.get('/resend/domains', (_req, res) => {
    res.json(domains);
  });
  // { name, status }: adds the domain or changes its status (e.g. "pending" while DNS is not set up yet).
  control.post('/resend/domains', (req, res) => {
    const parsed = domainInput.safeParse(req.body ?? {});
    if (!parsed.success) return res.status(400).json({ message: 'Expected { name, status }', problems: parsed.error.issues.map((i) => i.message) });
    const existing = domains.find((d) => d.name === parsed.data.name);
    if (existing) existing.status = parsed.data.status;
    else domains.push({ id: randomUUID(), ...parsed.data, created_at: new Date().toISOString() });
    res.json(domains);
  });
  control.get('/resend/faults', (_req, res) => {
    res.json({ fault, injected });
  });
  // { status, count }: the next `count` sends fail with that status; { status: null } or { count: 0 } clears.
  control.post('/resend/faults', (req, res) => {
    if (req.body?.status === null || req.body?.count === 0) {
      fault = null;
      return res.json({ fault });
    }
    const parsed = faultSchema.safeParse(req.body ?? {});
    if (!parsed.success)
      return res.status(400).json({ message: 'Expected { status: 429 | 500 | 503, count }', problems: parsed.error.issues.map((i) => i.message) });
    fault = { status: parsed.data.status, remaining: parsed.data.count };
    res.json({ fault });
  });
  control.use(controlErrorHandler);

  function reset(): void {
    domains = seedDomains();
    captured = [];
    idempotent = new Map();
    fault = null;
    injected = { 429: 0, 500: 0, 503: 0 };
  }

  return {
    api,
    control,
    reset,
    emails: () => [...captured],
    exportState() {
      const live = [...idempotent].filter(([, r]) => Date.now() - r.at < IDEMPOTENCY_WINDOW_MS);
      return structuredClone({ version: STATE_VERSION, emails: captured, idempotency: live.map(([key, r]) => ({ key, ...r })) });
    },
    importState(state) {
      const saved = parseState('sandbox/resend', stateSchema, structuredClone(state));
      if (!saved) return false;
      reset();
      captured = saved.emails;
      idempotent = new Map(saved.idempotency.map(({ key, ...r }) => [key, r]));
      return true;
    },
  };
}

function resendError(res: Response, statusCode: number, name: string, message: string): void {
  res.status(statusCode).json({ statusCode, name, message });
}

const resendErrorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const status = typeof err?.status === 'number' && err.status < 500 ? err.status : 500;
  resendError(
    res,
    status,
    status === 500 ? 'internal_server_error' : 'validation_error',
    status === 500 ? 'An unexpected error occurred.' : String(err.message),
  );
};

const controlErrorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const status = typeof err?.status === 'number' && err.status < 500 ? err.status : 500;
  res.status(status).json({ message: status === 500 ? 'Internal sandbox error' : String(err.message) });
};
