// The gateway's on-disk outbox: every signed reading is appended (and fsynced) before anyone is
// told it was taken, and stays until the server acknowledges it. Readings leave in order, but the
// server answers each on its own (one it asks to be sent again may be followed by the next one's
// acknowledgement), so an acknowledgement removes only its own reading, and the mark on disk is
// just below the oldest reading still waiting. After a crash — SIGKILL included — the file is
// read back: a torn line (the write the kill or a full disk interrupted) is dropped, because that
// reading was never acknowledged to its device; every other waiting reading is sent again, and
// the server recognises what it already has by (device, seq).
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface OutboxRecord {
  seq: number;
  /** The signed reading as sent: the reading and the device's JWS over its canonical bytes. */
  message: { reading: Record<string, unknown>; jws: string };
}

export class Outbox {
  private readonly file: string;
  private readonly markFile: string;
  private fd: number;
  private records: OutboxRecord[] = [];
  private lastSeq = 0;
  private acked = 0;

  constructor(dir: string) {
    this.file = join(dir, 'outbox.jsonl');
    this.markFile = join(dir, 'outbox.acked');
    this.acked = existsSync(this.markFile) ? Number(readFileSync(this.markFile, 'utf8')) || 0 : 0;
    if (existsSync(this.file)) {
      const lines = readFileSync(this.file, 'utf8').split('\n');
      for (const line of lines) {
        if (!line) continue;
        try {
          const r = JSON.parse(line) as OutboxRecord;
          this.lastSeq = Math.max(this.lastSeq, r.seq);
          if (r.seq > this.acked) this.records.push(r);
        } catch {
          // A torn line: the write a crash (or a full disk) interrupted. That reading was never
          // acknowledged to its device; the readings written after it were, and are kept.
          continue;
        }
      }
    }
    this.lastSeq = Math.max(this.lastSeq, this.acked);
    this.compact();
    this.fd = openSync(this.file, 'a');
  }

  /** The next sequence number, to go into the reading before it is signed. */
  nextSeq(): number {
    return this.lastSeq + 1;
  }

  /**
   * The server has taken readings of this device up to `seq` (told at connection): number new ones
   * after it. An outbox that was lost starts again from 1, and the server refuses a number it has.
   */
  raiseFloor(seq: number): void {
    this.lastSeq = Math.max(this.lastSeq, seq);
  }

  /** Durably keep a signed reading; only then may its device be told it was taken. */
  append(record: OutboxRecord): void {
    if (record.seq !== this.lastSeq + 1) throw new Error(`outbox: expected seq ${this.lastSeq + 1}, got ${record.seq}`);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
    this.lastSeq = record.seq;
    this.records.push(record);
  }

  /** Waiting for the server, oldest first. */
  pending(): readonly OutboxRecord[] {
    return this.records;
  }

  /** The server has sealed (or already had, or refused for good) the reading numbered `seq`. */
  ack(seq: number): void {
    const left = this.records.filter((r) => r.seq !== seq);
    if (left.length === this.records.length) return;
    this.records = left;
    // Everything up to the mark is done; a reading acknowledged above a waiting one is sent again
    // after a restart, and the server knows it by its number.
    const mark = left.length > 0 ? left[0].seq - 1 : this.lastSeq;
    if (mark === this.acked) return;
    this.acked = mark;
    const tmp = `${this.markFile}.tmp`;
    writeFileSync(tmp, String(mark));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.markFile);
    if (this.records.length === 0) this.compact();
  }

  get ackedSeq(): number {
    return this.acked;
  }

  /** Rewrite the file with only what is still pending (atomic rename). */
  private compact(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, this.records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.file);
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = openSync(this.file, 'a');
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
