// Worker thread for the self-audit: checks pages of entries and checkpoint signatures.
import { parentPort } from 'node:worker_threads';
import { openNote, parseVkey } from '../../note.js';
import { checkAlignedPage, type PageRequest } from './page-check.js';

export type WorkerRequest = ({ id: number; kind: 'page' } & PageRequest) | { id: number; kind: 'notes'; vkey: string; notes: string[] };

parentPort!.on('message', (req: WorkerRequest) => {
  if (req.kind === 'page') {
    const result = checkAlignedPage(req);
    parentPort!.postMessage({ id: req.id, result }, [result.leafHashes.buffer as ArrayBuffer]);
  } else {
    const key = parseVkey(req.vkey);
    const result = req.notes.map((note) => {
      try {
        return { text: openNote(note, [key]).text };
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    parentPort!.postMessage({ id: req.id, result });
  }
});
