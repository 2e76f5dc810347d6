// PGlite takes no lock on its directory, so two processes could open it and corrupt it.
// A lock file holding the owner's pid prevents that; a lock left by a dead process is taken over.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(`data directory ${dir} is in use by process ${pid}; stop it first or use another HAZLEDGER_DATA_DIR`);
    this.name = 'DataDirLockedError';
  }
}

/** Take the lock on `dir`; returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, 'hazledger.lock');
  const mine = `${process.pid}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) throw new DataDirLockedError(dir, owner);
      if (owner === process.pid) throw new DataDirLockedError(dir, owner);
      unlinkSync(path); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock ${dir}`);
}
