// The latest checkpoint kept outside the database: written at most every 100 ms, the newest note
// winning, and never left unwritten once idle() resolves (shutdown waits for it).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_CHECKPOINT_FILE, LatestCheckpointFile } from '../../server/latest-checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'hz-latest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const onDisk = () => readFileSync(join(dir, LATEST_CHECKPOINT_FILE), 'utf8');
const writtenAt = () => statSync(join(dir, LATEST_CHECKPOINT_FILE)).mtimeMs;

describe('the latest checkpoint file', () => {
  it('writes the first note at once, gathers the notes that follow within 100 ms into one write of the newest', async () => {
    const file = new LatestCheckpointFile(dir);
    file.save('size 1');
    await file.idle();
    expect(onDisk()).toBe('size 1');
    expect(new LatestCheckpointFile(dir).read()).toBe('size 1');

    const first = writtenAt();
    for (let size = 2; size <= 50; size++) file.save(`size ${size}`);
    await file.idle();
    expect(onDisk()).toBe('size 50');
    // One write for the 49 notes, no sooner than 100 ms after the first (less a little for the
    // file system's clock).
    expect(writtenAt() - first).toBeGreaterThanOrEqual(95);
  });
});
