// Counts the Temporal client calls still under way on a connection, so that a test stack closes it
// only once they are done. A call that met a retryable status sits in the client's retry backoff
// (`grpc-retry`); closing the channel then makes the retry's timer throw "Channel has been shut
// down" as an uncaught exception, which fails whichever suite is running (CI, 2026-12-03).
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { clientInterceptors } from '../../temporal/connection';

export class InFlightCalls {
  private readonly calls = new Set<{ method: string }>();
  private waiters: (() => void)[] = [];

  /**
   * The connection's interceptors: this counter outside the API's own (the client's retry with the
   * closed-channel guard, temporal/connection.ts), so that a call counts once from its start to its
   * final status, retries and backoff included. Not ended by a cancel: the retry's timer may still be
   * pending then; only the final status ends it.
   */
  readonly interceptors: Interceptor[] = [
    (options, nextCall) => {
      const call = { method: options.method_definition.path };
      const finish = () => {
        if (!this.calls.delete(call)) return;
        if (this.calls.size === 0) for (const wake of this.waiters.splice(0)) wake();
      };
      return new InterceptingCall(nextCall(options), {
        start: (metadata, listener, next) => {
          this.calls.add(call);
          next(metadata, {
            onReceiveStatus: (status, nextStatus) => {
              finish();
              nextStatus(status);
            },
          });
        },
      });
    },
    ...clientInterceptors(),
  ];

  /** Resolves once no call is under way, or after `timeoutMs` with the methods still pending. */
  async settled(timeoutMs: number): Promise<string[]> {
    if (this.calls.size === 0) return [];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.waiters.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    return [...this.calls].map((c) => c.method);
  }
}
