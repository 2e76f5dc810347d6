// The latest checkpoint the log signed, kept in the data directory — outside the database — so a
// database restored from an older backup (or rewritten) is caught even after a restart: the
// sequencer refuses to sign a tree that does not extend it (LogRollbackError). Written after a
// batch, atomically (temp file + rename), at most every WRITE_EVERY_MS (the newest note wins; at
// a moderate load the write cost more CPU than the batch): it only ever lags the database, by a
// fraction of a second at most, never leads.
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LATEST_CHECKPOINT_FILE = 'checkpoint.latest';
const WRITE_EVERY_MS = 100;

export class LatestCheckpointFile {
  private readonly path: string;
  private pending?: string;
  private writing?: Promise<void>;
  private lastWrite = -Infinity;

  constructor(dataDir: string) {
    this.path = join(dataDir, LATEST_CHECKPOINT_FILE);
  }

  read(): string | undefined {
    return existsSync(this.path) ? readFileSync(this.path, 'utf8') : undefined;
  }

  /** Keep `note` (the newest wins when writes pile up). */
  save(note: string): void {
    this.pending = note;
    this.writing ??= this.flush().finally(() => {
      this.writing = undefined;
      if (this.pending !== undefined) this.save(this.pending); // saved as the loop ended
    });
  }

  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async flush(): Promise<void> {
    while (this.pending !== undefined) {
      const wait = this.lastWrite + WRITE_EVERY_MS - performance.now(); // monotonic: a clock set back never stalls it
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.lastWrite = performance.now();
      const note = this.pending;
      this.pending = undefined;
      try {
        await writeFile(`${this.path}.tmp`, note);
        await rename(`${this.path}.tmp`, this.path);
      } catch (e) {
        console.error(`cannot keep the latest checkpoint in ${this.path}: ${(e as Error).message}`);
      }
    }
  }
}
