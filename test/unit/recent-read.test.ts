// The shop settings' cache (temporal/recent-read.ts, used by temporal/shop-settings.ts): a webhook never waits for a
// settings read while a recent one is at hand, and a change made here is seen at once.
import { RecentRead } from '../../temporal/recent-read';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A reader whose reads the test answers one by one. */
function reader() {
  const pending: ReturnType<typeof deferred<string>>[] = [];
  return {
    pending,
    read: () => {
      const d = deferred<string>();
      pending.push(d);
      return d.promise;
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('RecentRead', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000;
  });
  /** A cache nobody has read yet: fresh 5 s, stale limit 60 s. */
  function unread() {
    const r = reader();
    return { r, cache: new RecentRead(r.read, { freshMs: 5_000, staleLimitMs: 60_000, now }) };
  }
  /** A cache whose first read answered `value`. */
  async function readOnce(value: string) {
    const { r, cache } = unread();
    const first = cache.get();
    r.pending[0].resolve(value);
    await first;
    return { r, cache };
  }

  test('the first callers wait for one shared read; a fresh value is used without reading', async () => {
    const { r, cache } = unread();
    const a = cache.get();
    const b = cache.get();
    expect(r.pending).toHaveLength(1);
    r.pending[0].resolve('on');
    await expect(Promise.all([a, b])).resolves.toEqual(['on', 'on']);
    clock += 4_999;
    await expect(cache.get()).resolves.toBe('on');
    expect(r.pending).toHaveLength(1);
  });

  test('past fresh, the last value is answered at once while a new read runs; the next callers get its value', async () => {
    const { r, cache } = await readOnce('on');
    clock += 5_000;
    // The read behind it has not answered: the caller is not kept waiting for it.
    await expect(cache.get()).resolves.toBe('on');
    await expect(cache.get()).resolves.toBe('on');
    expect(r.pending).toHaveLength(2); // one read behind both
    r.pending[1].resolve('off');
    await settle();
    await expect(cache.get()).resolves.toBe('off');
    expect(r.pending).toHaveLength(2);
  });

  test('past the stale limit, callers wait for the new read', async () => {
    const { r, cache } = await readOnce('on');
    clock += 60_000;
    let answered: string | undefined;
    const waiting = cache.get().then((v) => (answered = v));
    await settle();
    expect(answered).toBeUndefined();
    r.pending[1].resolve('off');
    await waiting;
    expect(answered).toBe('off');
  });

  test('a failed read is not kept: behind a served value it is retried by the next caller; with none, the caller sees the error', async () => {
    const { r, cache } = unread();
    const first = cache.get();
    r.pending[0].reject(new Error('Temporal unreachable'));
    await expect(first).rejects.toThrow('Temporal unreachable');
    const second = cache.get();
    expect(r.pending).toHaveLength(2);
    r.pending[1].resolve('on');
    await expect(second).resolves.toBe('on');

    clock += 6_000;
    await expect(cache.get()).resolves.toBe('on');
    r.pending[2].reject(new Error('Temporal unreachable'));
    await settle();
    await expect(cache.get()).resolves.toBe('on');
    expect(r.pending).toHaveLength(4); // tried again
  });

  test('a value set by a change wins over a read that began before it', async () => {
    const { r, cache } = await readOnce('on');
    clock += 5_000;
    await cache.get(); // starts a read behind the served value
    clock += 10;
    cache.set('off'); // the console's switch, answered by the settings workflow
    r.pending[1].resolve('on'); // the older read lands after
    await settle();
    await expect(cache.get()).resolves.toBe('off');
  });
});
