// Sends merchant alerts through Resend's SDK. The SDK resolves { data, error } instead of throwing,
// so every answer is checked here and turned into an EmailError the activity can classify.
import { Resend, type ErrorResponse } from 'resend';
import { observeCall, type CallObserver } from '../call-observer';
import type { CallPacer } from '../call-pacer';

export interface EmailClientOptions {
  apiKey: string;
  /** "https://api.resend.com", or the sandbox's /resend. */
  baseUrl: string;
  from: string;
  to: string;
  /** Told about every send (metrics). */
  observer?: CallObserver;
  /** Spaces this process's sends at the deployment's budget (the worker's clients). */
  pacer?: CallPacer;
}

export interface OutgoingEmail {
  subject: string;
  html: string;
  text: string;
  /** Resend answers a repeat within 24 h with the first email's id instead of sending again. */
  idempotencyKey: string;
}

/** The SDK has no timeout of its own; a hung request fails the attempt instead. */
const SEND_TIMEOUT_MS = 15_000;
const TRANSIENT_NAMES = ['concurrent_idempotent_requests'];

export class EmailError extends Error {
  constructor(
    readonly kind: 'transient' | 'permanent',
    message: string,
    readonly statusCode: number | null,
    /** Resend's error name, e.g. `rate_limit_exceeded` (`name` itself is the JS error name). */
    readonly resendName?: string,
  ) {
    super(message);
    this.name = 'EmailError';
  }
}

/** Unclassified errors (bugs) count as transient, the same policy as Shopify's isTransient. */
export function isTransientEmailError(err: unknown): boolean {
  return err instanceof EmailError ? err.kind === 'transient' : true;
}

export class EmailClient {
  private readonly resend: Resend;

  constructor(private readonly opts: EmailClientOptions) {
    this.resend = new Resend(opts.apiKey, { baseUrl: opts.baseUrl.replace(/\/+$/, '') });
  }

  async send(message: OutgoingEmail): Promise<{ id: string }> {
    await this.opts.pacer?.turn();
    return observeCall(
      this.opts.observer,
      { system: 'resend', operation: 'send' },
      async () => {
        const { data, error } = await this.resend.emails.send(
          { from: this.opts.from, to: [this.opts.to], subject: message.subject, html: message.html, text: message.text },
          { idempotencyKey: message.idempotencyKey, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) },
        );
        if (error) throw toEmailError(error);
        return { id: data.id };
      },
      (result) => ('value' in result ? 'ok' : isTransientEmailError(result.error) ? 'unavailable' : 'rejected'),
    );
  }

  /**
   * The sender's domain as the Resend account holds it (status "verified" is what sending needs), or
   * null when the account has no such domain. A key restricted to sending cannot list domains: that
   * is an EmailError named `restricted_api_key`.
   */
  async senderDomainStatus(): Promise<{ domain: string; status: string } | null> {
    const domain = senderDomain(this.opts.from);
    if (!domain) return null;
    let after: string | undefined;
    for (;;) {
      const { data, error } = await this.resend.domains.list(after ? { limit: 100, after } : { limit: 100 }, { signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
      if (error) throw toEmailError(error);
      const found = data.data.find((d) => d.name.toLowerCase() === domain);
      if (found) return { domain, status: found.status };
      if (!data.has_more || !data.data.length) return null;
      after = data.data[data.data.length - 1].id;
    }
  }
}

/** "Winery <orders@napacellars.com>" → "napacellars.com"; null when there is no address. */
export function senderDomain(from: string): string | null {
  const address = /<([^>]+)>\s*$/.exec(from)?.[1] ?? from;
  const at = address.lastIndexOf('@');
  return at < 0
    ? null
    : address
        .slice(at + 1)
        .trim()
        .toLowerCase() || null;
}

/** 429, 5xx, no answer at all (statusCode null) and a concurrent duplicate are worth retrying. */
function toEmailError(error: ErrorResponse): EmailError {
  const status = error.statusCode;
  const transient = status === null || status === 429 || status >= 500 || TRANSIENT_NAMES.includes(error.name);
  const message = `Resend ${status === null ? 'unreachable' : `HTTP ${status}`} ${error.name}: ${error.message}`;
  return new EmailError(transient ? 'transient' : 'permanent', message, status, error.name);
}
