// Progress of a long export on stderr: entries (or units) done of the total, what was written,
// the rate, and the heap; on a terminal one line redrawn, otherwise a line each `everyMs`.
import { readFileSync } from 'node:fs';

export interface ExportSummary {
  kind: string;
  /** Log entries (or units, for EPCIS) read. */
  done: number;
  total: number;
  /** Lines, entries or events written. */
  written: number;
  seconds: number;
  bytes: number;
  /** RSS when the export began reading (modules loaded, database open), and the process's peak. */
  startRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  out: string;
}

const n = (x: number) => x.toLocaleString('en-US');

/**
 * The process's peak RSS in bytes. On Linux from VmHWM: getrusage's maxRSS keeps, across exec,
 * the peak of the process that spawned this one (a forked copy of its parent), which would report
 * a big parent's memory as the export's.
 */
export function peakRss(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export class Progress {
  private readonly started = performance.now();
  private readonly startRss = process.memoryUsage().rss;
  private lastShown = -Infinity;
  private peakHeap = 0;
  private done = 0;
  private total = 0;
  private written = 0;

  constructor(
    private readonly kind: string,
    private readonly reading: string,
    private readonly writing: string,
    private readonly everyMs: number,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {}

  private get seconds() {
    return (performance.now() - this.started) / 1000;
  }

  update(done: number, total: number, written: number): void {
    Object.assign(this, { done, total, written });
    this.peakHeap = Math.max(this.peakHeap, process.memoryUsage().heapUsed);
    if (performance.now() - this.lastShown < this.everyMs) return;
    this.lastShown = performance.now();
    const pct = total ? Math.floor((100 * done) / total) : 100;
    const line = `${this.kind}: ${n(done)}/${n(total)} ${this.reading} (${pct}%), ${n(written)} ${this.writing}, ${n(Math.round(done / Math.max(this.seconds, 1e-3)))} ${this.reading}/s, heap ${mb(process.memoryUsage().heapUsed)} MB`;
    this.err.write(this.err.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
  }

  finish(out: string, bytes: number): ExportSummary {
    this.peakHeap = Math.max(this.peakHeap, process.memoryUsage().heapUsed);
    const s: ExportSummary = {
      kind: this.kind, done: this.done, total: this.total, written: this.written, seconds: Math.round(this.seconds * 100) / 100, bytes,
      // The whole process's peak so far: the memory the export needed.
      startRssMb: mb(this.startRss), peakRssMb: mb(peakRss()), peakHeapMb: mb(this.peakHeap), out,
    };
    const rate = n(Math.round(s.done / Math.max(s.seconds, 1e-3)));
    this.err.write(`${this.err.isTTY ? '\r\x1b[K' : ''}${this.kind}: done, ${n(s.done)} ${this.reading} read, ${n(s.written)} ${this.writing} written in ${s.seconds} s (${rate} ${this.reading}/s, ${mb(bytes)} MB); peak RSS ${s.peakRssMb} MB (${s.startRssMb} MB at the start), heap ${s.peakHeapMb} MB → ${out}\n`);
    return s;
  }
}
