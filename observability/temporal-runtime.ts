// The Temporal SDK's side of a worker process: its logs (the worker's, the activity and workflow
// context loggers', and Core's native ones, forwarded) go through cellarhand's logger and its
// redaction rule, and its metrics are exported in Prometheus format on a loopback port that the
// process's /metrics merges in. Installed once per process, before the first connection, whatever
// number of Worker instances the process then runs.
import { createServer, type AddressInfo } from 'node:net';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

export interface TemporalRuntimeOptions {
  logger: Logger;
  /** `127.0.0.1:<port>` for the SDK's Prometheus exporter; none: the SDK's metrics are off. */
  prometheusBindAddress?: string;
}

export function installTemporalRuntime({ logger, prometheusBindAddress }: TemporalRuntimeOptions): void {
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      // Without `forward`, Core writes its own lines to stderr, past the logger and its redaction.
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(prometheusBindAddress ? { metrics: { prometheus: { bindAddress: prometheusBindAddress } } } : {}),
    },
  });
}

const METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** Temporal's Logger interface over pino. The SDK's attributes (workflowId, activityType, …) become fields. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    logger[METHOD[level] ?? 'info']({ ...meta }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * A free loopback address for the SDK's exporter. The SDK needs a concrete port (it does not report
 * the one an `:0` bind got); the port is free when asked, and the runtime binds it right after.
 */
export function freeLoopbackAddress(): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(`127.0.0.1:${port}`));
    });
  });
}
