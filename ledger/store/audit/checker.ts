// Runs the per-entry checks and checkpoint signature checks either in this thread or spread
// over worker threads; the audit sees the same answers from both.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { openNote, parseVkey } from '../../note.js';
import { checkAlignedPage, transferables, type PageRequest, type PageResult } from './page-check.js';
import type { WorkerRequest } from './worker.js';

export type NoteResult = { text: string } | { error: string };

export interface Checker {
  /** The request's buffers may be moved to a worker: the caller must not use them afterwards. */
  checkPage(req: PageRequest): Promise<PageResult>;
  openNotes(notes: string[], vkey: string): Promise<NoteResult[]>;
  close(): Promise<void>;
}

function openEach(notes: string[], vkey: string): NoteResult[] {
  const key = parseVkey(vkey);
  return notes.map((note) => {
    try {
      return { text: openNote(note, [key]).text };
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
}

export function inlineChecker(): Checker {
  return {
    checkPage: async (req) => checkAlignedPage(req),
    openNotes: async (notes, vkey) => openEach(notes, vkey),
    close: async () => {},
  };
}

export const defaultWorkers = () => Math.max(1, Math.min(4, availableParallelism()));

export function workerChecker(count = defaultWorkers()): Checker {
  // The worker is TypeScript like the rest; its boot file registers tsx in the thread first.
  const url = new URL('./worker-boot.mjs', import.meta.url);
  const workers = Array.from({ length: count }, () => new Worker(url));
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const load = workers.map(() => 0);
  let nextId = 0;
  for (const [i, w] of workers.entries()) {
    w.on('message', (msg: { id: number; result: unknown }) => {
      load[i]--;
      waiting.get(msg.id)?.resolve(msg.result);
      waiting.delete(msg.id);
    });
    w.on('error', (e) => {
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
    });
  }
  type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;
  const send = <T>(req: Request, transfer: ArrayBuffer[] = []): Promise<T> => {
    const id = nextId++;
    const i = load.indexOf(Math.min(...load)); // the least busy worker
    load[i]++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      workers[i].postMessage({ ...req, id }, transfer);
    });
  };
  return {
    checkPage: (req) => send<PageResult>({ kind: 'page', ...req }, transferables(req)),
    openNotes: (notes, vkey) => send<NoteResult[]>({ kind: 'notes', notes, vkey }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
