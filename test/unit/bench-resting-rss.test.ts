// How the benchmark reads the worker's memory at rest (scripts/bench/processes.ts): the median of
// one reading a second, so one collection's high or low instant is not the figure.
import { restingRss, sampler } from '../../scripts/bench/processes';

test('resting memory is the median of the readings over the settle time, not the last one', async () => {
  const readings = [300, 100, NaN, 900];
  let next = 0;
  jest.useFakeTimers();
  try {
    // Readings at 0, 1 and 2 s and one at the end (2.5 s); NaN (the process gone for a moment) is skipped.
    const median = restingRss(() => readings[next++] ?? NaN, 2.5);
    await jest.advanceTimersByTimeAsync(2_500);
    expect(await median).toBe(300);
    expect(next).toBe(4);
  } finally {
    jest.useRealTimers();
  }
});

test('a sampler keeps the peak, the last and the median; none without a reading', () => {
  const values = [5, 1];
  const s = sampler(() => values.shift() ?? NaN, 60_000);
  expect(s.stop()).toEqual({ peak: 5, last: 1, median: 1 });
  expect(sampler(() => NaN, 60_000).stop()).toEqual({ peak: NaN, last: NaN, median: NaN });
});
