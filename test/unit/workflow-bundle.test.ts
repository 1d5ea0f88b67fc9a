// The workflow bundle cache (worker/workflow-bundle.ts): named by a hash of what goes into the
// bundle, so a changed workflow gets a new bundle and an unchanged one is never rebuilt.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowBundle, workflowSourceHash } from '../../worker/workflow-bundle';

const ROOT = path.join(__dirname, '..', '..');
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'cellarhand-bundle-test-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('workflowSourceHash', () => {
  let tree: string;
  beforeEach(() => {
    tree = mkdtempSync(path.join(scratch, 'tree-'));
    for (const dir of ['workflows', 'domain']) cpSync(path.join(ROOT, dir), path.join(tree, dir), { recursive: true });
  });

  test('the same code, the same hash', () => {
    expect(workflowSourceHash(tree)).toBe(workflowSourceHash(tree));
    expect(workflowSourceHash(tree)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a change to workflows/ or domain/, or a new file there, changes it', () => {
    const before = workflowSourceHash(tree);
    appendFileSync(path.join(tree, 'workflows', 'order.ts'), '\n// changed\n');
    const afterWorkflow = workflowSourceHash(tree);
    expect(afterWorkflow).not.toBe(before);
    writeFileSync(path.join(tree, 'domain', 'new-thing.ts'), 'export const x = 1;\n');
    expect(workflowSourceHash(tree)).not.toBe(afterWorkflow);
  });

  test('files that do not go into the bundle (notes, type declarations) leave it alone', () => {
    const before = workflowSourceHash(tree);
    writeFileSync(path.join(tree, 'workflows', 'NOTES.md'), '# notes\n');
    writeFileSync(path.join(tree, 'domain', 'extra.d.ts'), 'export declare const y: number;\n');
    expect(workflowSourceHash(tree)).toBe(before);
  });
});

describe('workflowBundle', () => {
  test('a bundle cached for this code is used as it is: no build', async () => {
    const cacheDir = mkdtempSync(path.join(scratch, 'cache-'));
    const cached = path.join(cacheDir, `${workflowSourceHash().slice(0, 32)}.js`);
    writeFileSync(cached, '// cached bundle\n');
    const lines: string[] = [];
    await expect(workflowBundle({ cacheDir, log: (l) => lines.push(l) })).resolves.toEqual({ codePath: cached });
    expect(lines).toEqual([]);
  });

  test('none for this code: built once, cached under its hash, the oldest of the others pruned', async () => {
    const cacheDir = mkdtempSync(path.join(scratch, 'cache-'));
    // Six bundles of other code (other branches or worktrees), oldest first.
    const others = Array.from({ length: 6 }, (_, i) => path.join(cacheDir, `${String(i).repeat(32)}.js`));
    others.forEach((file, i) => {
      writeFileSync(file, '// other code\n');
      const t = new Date(Date.now() - (10 - i) * 60_000);
      utimesSync(file, t, t);
    });
    const lines: string[] = [];
    const bundle = await workflowBundle({ cacheDir, log: (l) => lines.push(l) });
    const expected = path.join(cacheDir, `${workflowSourceHash().slice(0, 32)}.js`);
    expect(bundle).toEqual({ codePath: expected });
    expect(lines.some((l) => l.startsWith('building the workflow bundle'))).toBe(true);
    expect(existsSync(expected)).toBe(true);
    // Five kept: the new one and the four newest others.
    expect(readdirSync(cacheDir).sort()).toEqual([...others.slice(2), expected].map((f) => path.basename(f)).sort());
    // Asked again: the cached one, no second build.
    const again: string[] = [];
    await expect(workflowBundle({ cacheDir, log: (l) => again.push(l) })).resolves.toEqual({ codePath: expected });
    expect(again).toEqual([]);
  }, 120_000);
});
