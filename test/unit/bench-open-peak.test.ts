// How the benchmark counts Vinoshipper's peak: arrivals within any half-open window (scripts/bench/parts/open.ts).
import { mostWithin } from '../../scripts/bench/parts/open';

test('the most arrivals within any one second: a window is [t, t + 1 s)', () => {
  expect(mostWithin([], 1_000)).toBe(0);
  // Spaced 500 ms apart: never three within one second, though t and t + 1 s are one second apart.
  expect(mostWithin([0, 500, 1_000, 1_500, 2_000], 1_000)).toBe(2);
  // One early by a millisecond: three.
  expect(mostWithin([0, 500, 999, 1_500], 1_000)).toBe(3);
  expect(mostWithin([0, 10, 20, 5_000], 1_000)).toBe(3);
  expect(mostWithin([0, 510, 1_020, 1_530, 2_040, 2_550], 10_000)).toBe(6);
});
