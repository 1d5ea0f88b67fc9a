// Saving the sandbox between runs. `npm start` keeps Temporal's workflows in a SQLite file, so the
// fake services must outlive a restart too: otherwise the store hands out order #1001 again (into
// a workflow still running for the old #1001) and resumed workflows find an empty Vinoshipper.
// Each fake exports plain JSON tagged with a version; this file holds the shared checks and the
// file handling.
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const STATE_VERSION = 1;

/**
 * The saved state as `schema` describes it, or null (with a warning) when it is of another
 * version or malformed: the caller then starts empty rather than crash on it.
 */
export function parseState<T>(name: string, schema: z.ZodType<T>, state: unknown): T | null {
  const version = typeof state === 'object' && state !== null ? (state as { version?: unknown }).version : undefined;
  if (version !== STATE_VERSION) {
    console.warn(`[${name}] ignoring saved state of version ${JSON.stringify(version)} (this sandbox reads version ${STATE_VERSION})`);
    return null;
  }
  const parsed = schema.safeParse(state);
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    console.warn(`[${name}] ignoring malformed saved state (${where.join('; ')})`);
    return null;
  }
  return parsed.data;
}

/** An array of objects whose insides we trust: the file is ours, only its outline is checked. */
export const objects = <T>() => z.array(z.custom<T>((v) => typeof v === 'object' && v !== null && !Array.isArray(v)));

export interface StateFile {
  /**
   * Hands the saved state to `accept` (which answers whether it took it). A file that is not JSON
   * or that `accept` refuses is moved aside, so saving the fresh state does not destroy it.
   */
  load(accept: (state: unknown) => boolean): void;
  /** Saves `current()` within ~200 ms; many changes in that window make one write. */
  schedule(): void;
  /** Saves now (and waits for any earlier write). */
  flush(): Promise<void>;
}

const SAVE_DELAY_MS = 200;

export function stateFile(file: string, current: () => unknown): StateFile {
  let timer: NodeJS.Timeout | undefined;
  // Writes run one after another: two renames racing could leave the older state in place.
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const json = `${JSON.stringify(current(), null, 2)}\n`; // taken now, not when the write starts
    writing = writing.then(() => writeAtomically(file, json)).catch((err: Error) => console.warn(`[sandbox] could not save ${file}: ${err.message}`));
    return writing;
  }

  return {
    load(accept) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // a first run
        throw err; // unreadable for the OS (permissions…): better said loudly than overwritten
      }
      let state: unknown;
      try {
        state = JSON.parse(text);
      } catch (err) {
        console.warn(`[sandbox] ${file} is not JSON (${(err as Error).message})`);
      }
      if (state !== undefined && accept(state)) return;
      const aside = `${file}.unreadable`;
      renameSync(file, aside);
      console.warn(`[sandbox] starting with an empty sandbox; the state file that could not be used is kept as ${aside}`);
    },
    schedule() {
      // Not a sliding debounce: under steady traffic a save still happens every 200 ms.
      timer ??= setTimeout(() => void flush(), SAVE_DELAY_MS).unref();
    },
    flush,
  };
}

/** Temp file + rename: a crash mid-write leaves the previous state, never half a file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}
