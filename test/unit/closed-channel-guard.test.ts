// A Temporal call in the client's retry backoff when its connection is closed (the API stopping).
// Without the guard, the retry's timer throws "Channel has been shut down", uncaught: the process
// crashes on a clean stop. With cellarhand's interceptors (temporal/connection.ts), the call fails
// as cancelled and the process ends normally. Each case runs as its own process, as the API would.
import { spawnSync } from 'node:child_process';
import { callAroundClose } from './fixtures/close-during-backoff';

function closeDuringBackoff(interceptors: 'guarded' | 'sdk-default') {
  const run = spawnSync(process.execPath, ['--import', 'tsx', require.resolve('./fixtures/close-during-backoff.ts'), interceptors], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: run.status, stdout: run.stdout.trim(), stderr: run.stderr };
}

test("the SDK's retry alone: closing the connection under a retry's backoff crashes the process", () => {
  const run = closeDuringBackoff('sdk-default');
  expect(run.code).not.toBe(0);
  expect(run.stderr).toContain('Channel has been shut down');
  expect(run.stdout).toBe('');
}, 40_000);

test("cellarhand's interceptors: the call fails as cancelled and the process ends normally", () => {
  const run = closeDuringBackoff('guarded');
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.stdout).toMatch(/^failed: 1 CANCELLED: Channel has been shut down$/);
}, 40_000);

test("in the tests, a connection with the client's default retry has the guard too (test/helpers/closed-channel-guard.ts)", async () => {
  expect(await callAroundClose(undefined, 'during-backoff')).toBe('failed: 1 CANCELLED: Channel has been shut down');
});

test('a call started after its connection was closed fails as cancelled too (its first try is on the closed channel)', async () => {
  expect(await callAroundClose(undefined, 'after-close')).toBe('failed: 1 CANCELLED: Channel has been shut down');
});
