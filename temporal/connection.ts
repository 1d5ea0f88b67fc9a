// Connecting to Temporal from configuration: the local dev server, a self-hosted cluster, or
// Temporal Cloud (API key or mTLS). Used by the API (client) and the worker (native connection).
// Every client gets the encrypting data converter (temporal/data-converter.ts): no client writes
// personal data in clear.
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
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

export async function connectClient(temporal: Config['temporal'], codec: Config['codec']): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(temporal));
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
