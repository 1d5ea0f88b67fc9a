// The test stack's count of the API's Temporal calls (test/helpers/in-flight-calls.ts): a call in the
// client's retry backoff is still under way, so stop() does not close the channel under it.
import { Connection } from '@temporalio/client';
import { InFlightCalls } from '../helpers/in-flight-calls';

test('a call retrying against an unreachable server counts as under way until it ends', async () => {
  const calls = new InFlightCalls();
  // Port 1: nothing listens, so every try fails UNAVAILABLE (retryable) and the call backs off.
  const connection = Connection.lazy({ address: '127.0.0.1:1', interceptors: calls.interceptors });
  const call = connection.withDeadline(Date.now() + 1_500, () => connection.workflowService.getSystemInfo({}));
  const outcome = call.then(
    () => 'answered',
    () => 'failed',
  );

  expect(await calls.settled(500)).toEqual(['/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo']);
  expect(await outcome).toBe('failed'); // at its deadline
  expect(await calls.settled(1_000)).toEqual([]);
  await connection.close();
});

test('settled answers at once when nothing is under way', async () => {
  const started = Date.now();
  expect(await new InFlightCalls().settled(5_000)).toEqual([]);
  expect(Date.now() - started).toBeLessThan(1_000);
});
