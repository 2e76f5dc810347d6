// The latest checkpoint kept outside the database: written at most every 100 ms, the newest note
// winning, and never left unwritten once idle() resolves (shutdown waits for it).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LATEST_CHECKPOINT_FILE, LatestCheckpointFile } from '../../server/latest-checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'hz-latest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => void vi.useRealTimers());
const onDisk = () => readFileSync(join(dir, LATEST_CHECKPOINT_FILE), 'utf8');

/** Whether `p` settles within `ms` of real time (timers may be fake: this polls with setImmediate). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  for (const until = Date.now() + ms; !settled && Date.now() < until; ) await new Promise((r) => setImmediate(r));
  return settled;
}

describe('the latest checkpoint file', () => {
  it('writes the first note at once, and the notes that follow within 100 ms as one write of the newest, 100 ms on', async () => {
    // The file system is real; the clock the writer waits on is not.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const file = new LatestCheckpointFile(dir);
    file.save('size 1');
    await file.idle();
    expect(onDisk()).toBe('size 1');
    expect(new LatestCheckpointFile(dir).read()).toBe('size 1');

    for (let size = 2; size <= 50; size++) file.save(`size ${size}`);
    expect(await settlesWithin(file.idle(), 200)).toBe(false); // waiting out the 100 ms
    expect(onDisk()).toBe('size 1');
    await vi.advanceTimersByTimeAsync(99);
    expect(onDisk()).toBe('size 1');
    await vi.advanceTimersByTimeAsync(1);
    await file.idle();
    expect(onDisk()).toBe('size 50');
  });
});
