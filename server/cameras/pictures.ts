// Gate pictures, stored by content: `<data dir>/pictures/ab/cd/<sha256>.jpg`, written once,
// atomically (temporary file, then rename), so a resent push stores nothing new.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function storePicture(dataDir: string, bytes: Buffer): string {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const dir = join(dataDir, 'pictures', hash.slice(0, 2), hash.slice(2, 4));
  const file = join(dir, `${hash}.jpg`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  }
  return hash;
}

export const picturePath = (dataDir: string, hash: string) => join(dataDir, 'pictures', hash.slice(0, 2), hash.slice(2, 4), `${hash}.jpg`);
