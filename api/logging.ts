// The API's logger, reachable from any route through the request (set once by createApp).
import type { Request } from 'express';
import type { Logger } from '../observability/logger';

export function requestLogger(req: Request): Logger {
  return req.app.locals.logger as Logger;
}
