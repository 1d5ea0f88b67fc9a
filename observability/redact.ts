// The redaction rule every log line passes (API, worker, activities, and the Temporal SDK's own logs
// through the Runtime logger): logs carry ids, types, statuses and codes, never personal data or a
// vendor's words.
//
// 1. Fields whose key names personal data or free text (name, email, phone, address, date of birth,
//    body, details, message, reason, note, …) are replaced by "[redacted]", at any depth; so are an
//    activity's task token (it can complete the activity) and credentials (Shopify's access token and
//    client secret, API keys and secrets, passwords, Authorization headers).
// 2. An error is logged as its type, failure type, kind, HTTP status and code. The message of an
//    error that came from Vinoshipper, Shopify or Resend (or the ApplicationFailure made from one) is
//    withheld: it may quote the vendor's answer, which can echo a customer's name, email or address.
//    Other messages (our code's, Temporal's) are kept, with email addresses and dates masked.
// 3. Every message string is masked the same way.
// The full text stays where access is controlled: in Temporal, encrypted, readable through the codec server.
import { FAILURE_TYPES } from '../domain/activities';

export const REDACTED = '[redacted]';

const REDACTED_KEY =
  /^(name|(first|last|full|middle|customer|company|recipient)_?name|customer|email|e_?mail|to|from|phone|phone_?number|mobile|address\d?|address_?\d|street\d?|city|zip|zip_?code|postal_?code|post_?code|province|dob|date_?of_?birth|birth_?date|birthday|ship_?to(_?address)?|bill(ing)?_?address|shipping_?address|body|raw_?body|response_?body|html|text|subject|details|message|reason|note|problems|snapshot|payload|payloads|input|args|result|authorization|\w*(token|secrets?|password|api_?key))$/i;

/** Error names of cellarhand's vendor clients (integrations/): their messages quote the vendor. */
const VENDOR_ERROR_NAMES = new Set(['VinoshipperError', 'ShopifyError', 'EmailError']);
/** ApplicationFailure types made from vendor errors (activities/failures.ts). */
const VENDOR_FAILURE_TYPES = new Set<string>(Object.values(FAILURE_TYPES));

/** Set on an error by the code that made it: a message safe for logs, used instead of `message`. */
export const LOG_SUMMARY = Symbol.for('cellarhand.logSummary');

export function withLogSummary<E extends Error>(err: E, summary: string): E {
  Object.defineProperty(err, LOG_SUMMARY, { value: summary, enumerable: false });
  return err;
}

const EMAIL = /[^\s@<>"'(),;:[\]]+@[^\s@<>"'(),;:[\]]+\.[^\s@<>"'(),;:[\]]+/g;
// A bare calendar date (a date of birth), not a timestamp: 1980-02-03, 02/03/1980.
const DATE = /\b(\d{4}-\d{2}-\d{2}(?!T\d)|\d{1,2}\/\d{1,2}\/\d{4})\b/g;
const MAX_TEXT = 500;
const MAX_DEPTH = 6;
const MAX_ITEMS = 50;

/** Masks email addresses and dates, caps the length. */
export function scrubText(text: string): string {
  const masked = text.replace(EMAIL, '[email]').replace(DATE, '[date]');
  return masked.length > MAX_TEXT ? `${masked.slice(0, MAX_TEXT - 3)}...` : masked;
}

/** A log-safe copy of any value: personal keys redacted, errors reduced to what identifies them. */
export function redactForLog(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return safeError(value, depth);
  if (typeof value === 'string') return scrubText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => redactForLog(item, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = REDACTED_KEY.test(key) && item !== null && item !== undefined ? REDACTED : redactForLog(item, depth + 1);
  }
  return out;
}

interface ErrorFields {
  type?: unknown;
  nonRetryable?: unknown;
  kind?: unknown;
  status?: unknown;
  statusCode?: unknown;
  code?: unknown;
  resendName?: unknown;
  cause?: unknown;
  [LOG_SUMMARY]?: unknown;
}

/** What a log may say about an error. */
export function safeError(err: Error, depth = 0): Record<string, unknown> {
  const fields = err as Error & ErrorFields;
  const out: Record<string, unknown> = { type: err.name };
  if (typeof fields.type === 'string') out.failureType = fields.type;
  if (typeof fields.nonRetryable === 'boolean') out.nonRetryable = fields.nonRetryable;
  for (const key of ['kind', 'code', 'resendName'] as const) if (typeof fields[key] === 'string') out[key] = fields[key];
  const status = typeof fields.status === 'number' ? fields.status : fields.statusCode;
  if (typeof status === 'number') out.status = status;
  out.message = safeMessage(err);
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  if (frames.length) out.stack = frames.slice(0, 10).map((line) => line.trim());
  if (fields.cause instanceof Error && depth < MAX_DEPTH) out.cause = safeError(fields.cause, depth + 1);
  return out;
}

function safeMessage(err: Error & ErrorFields): string {
  if (typeof err[LOG_SUMMARY] === 'string') return err[LOG_SUMMARY];
  const vendor = VENDOR_ERROR_NAMES.has(err.name) || (typeof err.type === 'string' && VENDOR_FAILURE_TYPES.has(err.type));
  return vendor ? "[vendor's message withheld from logs]" : scrubText(err.message);
}
