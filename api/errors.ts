// Every error the API answers is JSON with a message meant for the caller: never a stack trace.
import { ServiceError, isGrpcServiceError } from '@temporalio/client';
import type { ErrorRequestHandler } from 'express';
import { requestLogger } from './logging';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Sent as Retry-After (seconds): when to try again. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof HttpError) {
    if (err.retryAfterSec !== undefined) res.set('Retry-After', String(err.retryAfterSec));
    res.status(err.status).json({ error: err.message, ...err.details });
    return;
  }
  // Errors raised by express's own body parsers carry a status and a type.
  const status = typeof err?.status === 'number' ? err.status : 500;
  if (err?.type === 'entity.too.large') {
    res.status(413).json({ error: `Body larger than the ${err.limit} byte limit` });
  } else if (err?.type === 'entity.parse.failed') {
    res.status(400).json({ error: 'Body is not valid JSON' });
  } else if (err instanceof ServiceError || isGrpcServiceError(err)) {
    // Temporal could not take the hand-over: nothing was started or changed, and the sender
    // (Shopify retries for 4 h) should simply try again.
    requestLogger(req).error({ err, method: req.method, route: req.route?.path }, 'API: Temporal unavailable; answered 503');
    res.status(503).set('Retry-After', '5').json({ error: 'Temporal is unavailable; nothing was recorded, retry later' });
  } else if (status < 500) {
    res.status(status).json({ error: err.message ?? 'Bad request' });
  } else {
    requestLogger(req).error({ err, method: req.method, route: req.route?.path }, 'API: request failed; answered 500');
    res.status(500).json({ error: 'Internal error; nothing was lost, the sender may retry' });
  }
};
