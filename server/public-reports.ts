// Problems reported by the public from a drum's QR page (a leak, a damaged or abandoned drum…).
// They are kept out of the ledger on purpose: anyone may send one, so they must not fill an
// append-only log; each is one JSON file under $HAZLEDGER_DATA_DIR/reports/ (like the gate
// cameras' pictures), read by the regulator of the drum's producer.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublicReport } from './api-types.js';

const ID = /^r-\d{13}-[0-9a-f]{8}$/;

export class PublicReports {
  private readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'reports');
  }

  async add(r: Omit<PublicReport, 'id' | 'receivedAt'>, now = new Date()): Promise<PublicReport> {
    // The time first: file names sort oldest first, and an id says when it came.
    const report: PublicReport = { id: `r-${now.getTime()}-${randomBytes(4).toString('hex')}`, receivedAt: now.toISOString(), ...r };
    await mkdir(this.dir, { recursive: true });
    // Whole or not at all: written aside, then renamed into its name (a crash mid-write leaves a
    // `.partial` file the list does not read, never half a report).
    const file = join(this.dir, `${report.id}.json`);
    await writeFile(`${file}.partial`, `${JSON.stringify(report)}\n`, { flag: 'wx' });
    await rename(`${file}.partial`, file);
    return report;
  }

  /** Reports about drums of these producers (all when `producers` is undefined), newest first. */
  async list(producers: Set<string> | undefined, limit: number): Promise<PublicReport[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => ID.test(n.replace(/\.json$/, ''))).sort().reverse();
    const out: PublicReport[] = [];
    for (const name of names) {
      const r = await readReport(join(this.dir, name));
      if (r && (!producers || producers.has(r.producerOrgId))) out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }
}

/** A kept report, or undefined for a file that is not one (damaged on disk: the others still list). */
async function readReport(path: string): Promise<PublicReport | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PublicReport;
  } catch {
    return undefined;
  }
}
