// The per-process spacing of Vinoshipper and Resend calls (integrations/call-pacer.ts).
import { CallPacer } from '../../integrations/call-pacer';

test('calls asked for at once start one interval apart, in the order they asked', async () => {
  const pacer = new CallPacer(20); // one every 55 ms (50 ms and a 10 % margin)
  const started: Array<{ i: number; at: number }> = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 5 }, async (_, i) => {
      await pacer.turn();
      started.push({ i, at: performance.now() - t0 });
    }),
  );
  expect(started.map((s) => s.i)).toEqual([0, 1, 2, 3, 4]);
  // The k-th turn is due k intervals after the first; a busy event loop may resume a caller late,
  // never early (timers may fire a millisecond early against performance.now()).
  for (let k = 1; k < started.length; k++) expect(started[k].at - started[0].at).toBeGreaterThanOrEqual(k * 55 - 2);
});

test('after a quiet spell the next call goes at once: no credit is saved up for a burst', async () => {
  let now = 1_000;
  const pacer = new CallPacer(2, () => now);
  await pacer.turn(); // at 1000; the next turn is due at 1550
  now = 10_000; // a long quiet spell
  const first = pacer.turn();
  const second = pacer.turn(); // due at 10 550, not at once
  let secondDone = false;
  void second.then(() => (secondDone = true));
  await first;
  await new Promise((r) => setTimeout(r, 100));
  expect(secondDone).toBe(false);
  now = 10_550;
  await second;
});

test('a turn that resumes late does not take the next one with it: spacing runs from when a call really went', async () => {
  let now = 0;
  const pacer = new CallPacer(20, () => now); // one every 55 ms
  await pacer.turn(); // goes at 0
  const went: number[] = [];
  const second = pacer.turn().then(() => went.push(now)); // due at 55
  const third = pacer.turn().then(() => went.push(now));
  now = 1_000; // the event loop was busy: the second's timer fires long after it was due
  await second;
  expect(went).toEqual([1_000]);
  // A turn planned ahead (due at 110) would go now, with the second; it waits for 1 055 instead.
  await new Promise((r) => setTimeout(r, 200));
  expect(went).toEqual([1_000]);
  now = 1_055;
  await third;
  expect(went).toEqual([1_000, 1_055]);
});

test('a rate that is not positive is refused', () => {
  expect(() => new CallPacer(0)).toThrow('a call rate must be positive, not 0');
  expect(() => new CallPacer(Number.NaN)).toThrow(RangeError);
});
