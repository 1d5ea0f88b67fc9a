// The worker's memory settings (worker/memory.ts): the heap limits the launchers give node, and the
// sticky cache that follows the heap the worker actually runs with.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { loadConfig } from '../../config';
import { stickyCacheSize, WORKER_HEAP_LIMIT_MB, workerProcessEnv } from '../../worker/memory';

const MB = 2 ** 20;

describe('workerProcessEnv', () => {
  test('caps the heap and the young generation, and limits malloc arenas', () => {
    const env = workerProcessEnv({});
    expect(env.NODE_OPTIONS).toBe(`--max-old-space-size=${WORKER_HEAP_LIMIT_MB} --max-semi-space-size=2`);
    expect(env.MALLOC_ARENA_MAX).toBe('2');
  });

  test("the operator's own NODE_OPTIONS come after ours, so theirs win; their MALLOC_ARENA_MAX is kept", () => {
    const env = workerProcessEnv({ NODE_OPTIONS: '  --max-old-space-size=1024 --enable-source-maps ', MALLOC_ARENA_MAX: '4' });
    expect(env.NODE_OPTIONS).toBe(`--max-old-space-size=${WORKER_HEAP_LIMIT_MB} --max-semi-space-size=2 --max-old-space-size=1024 --enable-source-maps`);
    expect(env.MALLOC_ARENA_MAX).toBe('4');
  });

  test('a node started with it runs with the capped heap', () => {
    const { NODE_OPTIONS } = workerProcessEnv({});
    const out = spawnSync(process.execPath, ['-e', 'console.log(require("node:v8").getHeapStatistics().heap_size_limit)'], {
      env: { PATH: process.env.PATH, NODE_OPTIONS },
      encoding: 'utf8',
    });
    const limitMb = Number(out.stdout.trim()) / MB;
    // V8 adds its young generation to the old-space limit.
    expect(limitMb).toBeGreaterThanOrEqual(WORKER_HEAP_LIMIT_MB);
    expect(limitMb).toBeLessThan(WORKER_HEAP_LIMIT_MB + 32);
  });
});

describe('stickyCacheSize', () => {
  test('a number is taken as given', () => {
    expect(stickyCacheSize(2)).toBe(2);
    expect(stickyCacheSize(5000, 64 * MB)).toBe(5000);
  });

  test('auto follows the heap: bigger heap, bigger cache, within its floor and ceiling', () => {
    const capped = stickyCacheSize('auto', (WORKER_HEAP_LIMIT_MB + 4) * MB);
    expect(capped).toBeGreaterThan(50);
    expect(capped).toBeLessThan(1_000);
    expect(stickyCacheSize('auto', 512 * MB)).toBeGreaterThan(capped);
    expect(stickyCacheSize('auto', 64 * MB)).toBe(50); // floor: a tiny heap still caches some
    expect(stickyCacheSize('auto', 16 * 1024 * MB)).toBe(2_000); // ceiling: a huge heap does not cache everything
  });

  test('auto reads the heap this process runs with', () => {
    expect(stickyCacheSize('auto')).toBe(stickyCacheSize('auto', v8.getHeapStatistics().heap_size_limit));
  });

  test('WORKER_MAX_CACHED_WORKFLOWS: auto by default, a whole number ≥ 2, anything else named', () => {
    expect(loadConfig({}).worker.maxCachedWorkflows).toBe('auto');
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '300' }).worker.maxCachedWorkflows).toBe(300);
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });
});

test('the Docker image and docker-compose.yml start the worker with the same heap flags', () => {
  const flags = workerProcessEnv({}).NODE_OPTIONS.split(' ');
  const root = path.join(__dirname, '..', '..');
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  expect(dockerfile).toContain(`CMD ["node", ${flags.map((f) => `"${f}"`).join(', ')}, "dist/worker/main.js"]`);
  expect(dockerfile).toContain(`ENV MALLOC_ARENA_MAX=${workerProcessEnv({}).MALLOC_ARENA_MAX}`);
  const compose = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
  expect(compose).toContain(`command: ['node', ${flags.map((f) => `'${f}'`).join(', ')}, 'dist/worker/main.js']`);
});
