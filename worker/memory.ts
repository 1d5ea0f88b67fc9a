// How much memory the worker process uses, and so how many orders it keeps in its sticky cache.
// Open orders do not live in the worker: an order that waits is a timer in Temporal, and the cache
// holds only the orders the worker ran recently (an evicted one is replayed from its history when
// it wakes). So the worker's memory is set by two numbers, not by the number of open orders: the
// V8 heap limit, which the launchers give node (`npm start`, LocalStack, the Docker image), and the
// cache size, which follows the heap unless WORKER_MAX_CACHED_WORKFLOWS says otherwise.
import v8 from 'node:v8';

/** The worker's V8 heap limit (`--max-old-space-size`, per isolate: the main thread and the workflow thread). */
export const WORKER_HEAP_LIMIT_MB = 256;
/**
 * V8's young generation per isolate (`--max-semi-space-size`): its default (16 MB, tripled) is sized
 * for throughput of short-lived garbage, and costs the worker's two isolates tens of MB of resident memory.
 */
const SEMI_SPACE_MB = 2;
/** glibc's malloc arenas for the SDK's native threads: its default (8 per core) fragments memory it rarely needs. */
const MALLOC_ARENAS = '2';

/** What the worker's heap holds besides cached orders: the SDK, the clients, the workflow sandbox's code. */
const HEAP_BASELINE_MB = 96;
/**
 * Heap per cached order. A cached order holds about 0.4 MB resident (its state in the workflow
 * isolate, its history and run state in the SDK's core: measured by the bench, 250 → 1,000 open
 * orders with the cache filling); with room for V8 to collect garbage, 1 MB of heap each keeps the
 * capped worker near 300 MB resident however many orders are open (about 160 cached at 256 MB).
 */
const HEAP_PER_CACHED_ORDER_MB = 1;
const CACHE_MIN = 50;
const CACHE_MAX = 2_000;

/**
 * The environment a worker process is started with (`npm start`, LocalStack; the Dockerfile sets the
 * same): NODE_OPTIONS with the heap limits first, so flags already there (the operator's own) come
 * later and win; MALLOC_ARENA_MAX unless already set.
 */
export function workerProcessEnv(parent: NodeJS.ProcessEnv = process.env): { NODE_OPTIONS: string; MALLOC_ARENA_MAX: string } {
  const heap = `--max-old-space-size=${WORKER_HEAP_LIMIT_MB} --max-semi-space-size=${SEMI_SPACE_MB}`;
  return {
    NODE_OPTIONS: [heap, parent.NODE_OPTIONS?.trim()].filter(Boolean).join(' '),
    MALLOC_ARENA_MAX: parent.MALLOC_ARENA_MAX ?? MALLOC_ARENAS,
  };
}

/** The sticky cache: WORKER_MAX_CACHED_WORKFLOWS, or (`auto`) what the heap this process runs with has room for. */
export function stickyCacheSize(setting: number | 'auto', heapLimitBytes = v8.getHeapStatistics().heap_size_limit): number {
  if (setting !== 'auto') return setting;
  const room = heapLimitBytes / 2 ** 20 - HEAP_BASELINE_MB;
  return Math.min(CACHE_MAX, Math.max(CACHE_MIN, Math.floor(room / HEAP_PER_CACHED_ORDER_MB)));
}
