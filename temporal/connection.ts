// Connecting to Temporal from configuration: the local dev server, a self-hosted cluster, or
// Temporal Cloud (API key or mTLS). Used by the API (client) and the worker (native connection).
// Every client gets the encrypting data converter (temporal/data-converter.ts): no client writes
// personal data in clear.
import { readFileSync } from 'node:fs';
import { InterceptingCall, Metadata, status, type Interceptor, type InterceptingListener } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { createDataConverter } from './data-converter';

function connectionOptions(temporal: Config['temporal']) {
  const tls = temporal.tls
    ? { clientCertPair: { crt: readFileSync(temporal.tls.certPath), key: readFileSync(temporal.tls.keyPath) } }
    : temporal.apiKey
      ? true
      : undefined;
  return { address: temporal.address, tls, apiKey: temporal.apiKey };
}

const CHANNEL_SHUT_DOWN = 'Channel has been shut down';
/** What an InterceptingCall wraps (grpc-js does not export the interface's name). */
type CallBelow = ConstructorParameters<typeof InterceptingCall>[0];

/**
 * The client's retry (grpc-retry) tries a failed call again from a timer. When the connection was
 * closed in the meantime (the API shutting down), grpc-js throws "Channel has been shut down" from
 * that timer: an uncaught exception that turns a clean stop into a crash. Placed inside the retry,
 * this guard ends such a try as CANCELLED instead, which is not retried: the caller's call fails.
 */
export const closedChannelGuard: Interceptor = (options, nextCall) => {
  try {
    return new InterceptingCall(nextCall(options));
  } catch (err) {
    if (!(err instanceof Error && err.message === CHANNEL_SHUT_DOWN)) throw err;
    return new InterceptingCall(new ClosedChannelCall());
  }
};

/**
 * A call on a closed channel: it ends, once started, with CANCELLED, and sends nothing. Like grpc-js's
 * own unary call, it delivers an empty message before the status: the retry interceptor passes its
 * saved message on with the final status, and has none to pass when a call's first try fails here.
 */
class ClosedChannelCall implements CallBelow {
  start(_metadata: Metadata, listener?: Partial<InterceptingListener>): void {
    setImmediate(() => {
      listener?.onReceiveMessage?.(null);
      listener?.onReceiveStatus?.({ code: status.CANCELLED, details: CHANNEL_SHUT_DOWN, metadata: new Metadata() });
    });
  }
  cancelWithStatus(): void {}
  getPeer(): string {
    return '';
  }
  sendMessageWithContext(): void {}
  sendMessage(): void {}
  startRead(): void {}
  halfClose(): void {}
  getAuthContext(): null {
    return null;
  }
}

/** The client's own retry, with a closed channel ending a retry rather than throwing from its timer. */
export function clientInterceptors(): Interceptor[] {
  return [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), closedChannelGuard];
}

export async function connectClient(temporal: Config['temporal'], codec: Config['codec']): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(temporal), interceptors: clientInterceptors() });
  return new Client({ connection, namespace: temporal.namespace, dataConverter: createDataConverter(codec) });
}

/**
 * For readiness probes (observability/readiness.ts): a lazy connection without the client's retry
 * interceptor, so a probe says whether Temporal answers now, and no retries outlive it.
 */
export function probeConnection(temporal: Config['temporal']): Connection {
  return Connection.lazy({ ...connectionOptions(temporal), interceptors: [] });
}

export async function connectWorker(temporal: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(temporal));
}
