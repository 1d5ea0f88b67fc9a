// The one logger of every cellarhand process (pino): JSON lines on stdout in production, readable
// lines in development. Everything logged passes the redaction rule (observability/redact.ts), and
// so does what the Temporal SDK logs, routed here by observability/temporal-runtime.ts.
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config';
import { redactForLog, safeError, scrubText } from './redact';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: Config['observability']['logLevel'];
  format: Config['observability']['logFormat'];
  /** Which process logs: `worker`, `api`, `sandbox`. */
  process: string;
  /** Default: stdout (tests pass a stream to read what would have been written). */
  destination?: DestinationStream;
}

export function createLogger({ level, format, process: name, destination }: LoggerOptions): Logger {
  const json = format === 'json';
  const stream =
    destination ??
    (json
      ? pino.destination({ dest: 1, sync: true })
      : pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,process', singleLine: true }));
  return pino(
    {
      level,
      base: { process: name },
      timestamp: pino.stdTimeFunctions.isoTime,
      // JSON lines say "warn", not 40; the pretty printer wants pino's numbers.
      formatters: json ? { level: (label) => ({ level: label }) } : {},
      hooks: {
        logMethod(args, method) {
          method.apply(this, redactArguments(args) as Parameters<typeof method>);
        },
      },
    },
    stream,
  );
}

/** The logger for a process, from configuration. */
export function processLogger(config: Pick<Config, 'observability'>, processName: string): Logger {
  return createLogger({ level: config.observability.logLevel, format: config.observability.logFormat, process: processName });
}

/** pino's arguments are `(object?, message?, ...interpolation)`: each passes the redaction rule. */
function redactArguments(args: unknown[]): unknown[] {
  return args.map((arg) => {
    if (arg instanceof Error) return { err: safeError(arg) };
    if (typeof arg === 'string') return scrubText(arg);
    return redactForLog(arg);
  });
}
