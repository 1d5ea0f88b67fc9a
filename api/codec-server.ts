// The codec server: lets an authorised person read decrypted payloads in the Temporal Web UI (or
// the CLI's --codec-endpoint) without the keys ever leaving cellarhand. Temporal's codec server
// protocol: POST <endpoint>/encode and <endpoint>/decode with {payloads: [{metadata: {k: base64},
// data: base64}]}, answered in the same shape.
//
//   POST /codec/encode, /codec/decode           Authorization: Bearer <CODEC_SERVER_TOKEN>
//   POST /codec/<token>/encode, /codec/<token>/decode
//        The token as a path segment, for the dev server's bundled Web UI, which has no login and so
//        cannot send an Authorization header (`npm start` passes it --ui-codec-endpoint). Anyone who
//        can open that UI can read the endpoint, so this form is refused when NODE_ENV=production.
//
// CORS for CODEC_CORS_ORIGINS (the Web UI's origin); preflights are answered without the token.
// Errors never echo payload contents or keys.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Config } from '../config';
import { PayloadDecryptionError } from '../temporal/codec';
import { createCodec } from '../temporal/data-converter';
import { HttpError } from './errors';
import { requestLogger } from './logging';

const BODY_LIMIT = '20mb'; // a history page of payloads; Temporal's own payload limit is 2 MB each
const ALLOWED_METHODS = 'POST, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';

/** A payload as the codec server protocol carries it. */
export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

export interface CodecServerOptions {
  /** Defaults to the AES-GCM codec from `config.codec.keys`. */
  codec?: PayloadCodec;
}

export function codecServerRoutes(config: Pick<Config, 'env' | 'codec'>, options: CodecServerOptions = {}): Router {
  const codec = options.codec ?? createCodec(config.codec);
  const allowTokenInPath = config.env !== 'production';
  const router = Router();

  router.use('/codec', cors(config.codec.corsOrigins));
  router.options('/codec/{*rest}', (_req, res) => {
    res.status(204).end();
  });

  const parseBody = express.json({ limit: BODY_LIMIT });
  const handle =
    (operation: 'encode' | 'decode'): RequestHandler =>
    async (req, res) => {
      const payloads = fromJson(req.body);
      let result: Payload[];
      try {
        result = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      } catch (err) {
        if (err instanceof PayloadDecryptionError) throw new HttpError(422, err.message);
        // Anything else: say what failed, not with which data.
        requestLogger(req).error({ operation, errorType: err instanceof Error ? err.name : 'error' }, 'codec server: request failed');
        throw new HttpError(500, `Could not ${operation} the payloads`);
      }
      res.json({ payloads: result.map(toJson) });
    };

  for (const operation of ['encode', 'decode'] as const) {
    router.post(`/codec/${operation}`, requireBearer(config.codec.serverToken), parseBody, handle(operation));
    router.post(`/codec/:token/${operation}`, requirePathToken(config.codec.serverToken, allowTokenInPath), parseBody, handle(operation));
  }
  return router;
}

/** CORS for the Web UI: echo an allowed origin (credentials allowed), nothing for any other. */
function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins.map(normaliseOrigin));
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin) {
      res.vary('Origin');
      if (allowed.has(normaliseOrigin(origin))) {
        res.set({
          'Access-Control-Allow-Origin': origin,
          'Access-Control-Allow-Credentials': 'true',
          'Access-Control-Allow-Methods': ALLOWED_METHODS,
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '600',
        });
      } else if (req.method === 'OPTIONS') {
        throw new HttpError(403, 'Origin not allowed to call the codec server (CODEC_CORS_ORIGINS)');
      }
    }
    next();
  };
}

function normaliseOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

function requireBearer(token: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match || !sameSecret(match[1], token)) {
      throw new HttpError(401, 'Missing or wrong codec server token (Authorization: Bearer <CODEC_SERVER_TOKEN>)');
    }
    next();
  };
}

function requirePathToken(token: string, allowed: boolean): RequestHandler {
  return (req, _res, next) => {
    if (!allowed)
      throw new HttpError(
        401,
        'The token-in-path codec endpoint is off in production; send Authorization: Bearer <CODEC_SERVER_TOKEN> to /codec/encode or /codec/decode',
      );
    if (!sameSecret(String(req.params.token), token)) throw new HttpError(401, 'Wrong codec server token');
    next();
  };
}

/** Constant time whatever the lengths: compare digests, not the strings. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function fromJson(body: unknown): Payload[] {
  const bad = (why: string) => new HttpError(400, `Body must be {"payloads": [{"metadata": {key: base64}, "data": base64}]}: ${why}`);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('not a JSON object');
  const list = (body as { payloads?: unknown }).payloads;
  // Protobuf JSON (the CLI's and Go SDK's remote codec) leaves out an empty list: `{}` is no payloads.
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw bad('payloads is not an array');
  return list.map((raw, i) => {
    if (!raw || typeof raw !== 'object') throw bad(`payloads[${i}] is not an object`);
    const { metadata, data } = raw as JsonPayload;
    if (metadata != null && (typeof metadata !== 'object' || Array.isArray(metadata))) throw bad(`payloads[${i}].metadata is not an object`);
    const decoded: Record<string, Uint8Array> = {};
    for (const [key, value] of Object.entries(metadata ?? {})) {
      if (typeof value !== 'string' || !BASE64.test(value)) throw bad(`payloads[${i}].metadata has a value that is not base64`);
      decoded[key] = Buffer.from(value, 'base64');
    }
    if (data != null && (typeof data !== 'string' || !BASE64.test(data))) throw bad(`payloads[${i}].data is not base64`);
    return { metadata: decoded, data: data == null ? undefined : Buffer.from(data, 'base64') };
  });
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: payload.data ? Buffer.from(payload.data).toString('base64') : undefined,
  };
}
