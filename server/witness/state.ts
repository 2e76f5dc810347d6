// The witness's memory: for each log origin, the latest checkpoint it cosigned, one file per
// origin. A new checkpoint is written to a temporary file, fsynced, renamed over the old one and
// the directory fsynced, all before the witness answers: a cosignature is never handed out for
// a state that a crash could roll back.
import { mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCheckpointText, parseNote, sha256, toHex, utf8, type Checkpoint } from '../../ledger/index.js';

interface Held {
  checkpoint: Checkpoint;
  note: string;
}

const fileFor = (origin: string) => `${toHex(sha256(utf8(origin)))}.checkpoint`;

async function fsyncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch (e) {
    // Some platforms cannot open or fsync a directory; the rename is still atomic there.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
}

/** Write `data` to `path` atomically and durably: temp file, fsync, rename, fsync the directory. */
export async function writeFileAtomic(path: string, dir: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fsyncDir(dir);
}

export class WitnessState {
  private readonly held = new Map<string, Held>();
  private evidenceCount = 0;

  private constructor(
    private readonly logsDir: string,
    private readonly evidenceDir: string,
  ) {}

  /** Load every held checkpoint; a file that does not parse stops the witness rather than being forgotten. */
  static async open(dir: string): Promise<WitnessState> {
    const state = new WitnessState(join(dir, 'logs'), join(dir, 'evidence'));
    await mkdir(state.logsDir, { recursive: true });
    await mkdir(state.evidenceDir, { recursive: true });
    for (const name of await readdir(state.logsDir)) {
      const path = join(state.logsDir, name);
      if (name.endsWith('.tmp')) {
        await unlink(path); // an interrupted write: the renamed file before it is the state
        continue;
      }
      if (!name.endsWith('.checkpoint')) continue;
      const note = await readFile(path, 'utf8');
      let checkpoint: Checkpoint;
      try {
        checkpoint = parseCheckpointText(parseNote(note).text);
      } catch (e) {
        throw new Error(`witness state ${path} is unreadable (${(e as Error).message}); refusing to start without it`);
      }
      if (fileFor(checkpoint.origin) !== name) throw new Error(`witness state ${path} holds a checkpoint of another origin, ${checkpoint.origin}`);
      state.held.set(checkpoint.origin, { checkpoint, note });
    }
    return state;
  }

  latest(origin: string): Checkpoint | undefined {
    return this.held.get(origin)?.checkpoint;
  }

  latestNote(origin: string): string | undefined {
    return this.held.get(origin)?.note;
  }

  origins(): string[] {
    return [...this.held.keys()];
  }

  /** Persist the new latest checkpoint of `origin`; it becomes the witness's view only once durable. */
  async save(origin: string, checkpoint: Checkpoint, note: string): Promise<void> {
    if (checkpoint.origin !== origin) throw new Error(`checkpoint of ${checkpoint.origin} saved as ${origin}`);
    await writeFileAtomic(join(this.logsDir, fileFor(origin)), this.logsDir, note);
    this.held.set(origin, { checkpoint, note });
  }

  /**
   * Keep a refused request that carries a valid log signature (a conflicting root, a proof that
   * does not verify): it may prove the log misbehaved. Only the log's key can make these.
   */
  async keepEvidence(origin: string, reason: string, body: string): Promise<string> {
    const file = `${toHex(sha256(utf8(origin))).slice(0, 16)}-${Date.now()}-${this.evidenceCount++}.txt`;
    await writeFile(join(this.evidenceDir, file), `# ${reason}\n${body}`, { flag: 'wx' });
    return file;
  }
}
