// Problems reported by the public from a drum's QR page (a leak, a damaged or abandoned drum…).
// They are kept out of the ledger on purpose: anyone may send one, so they must not fill an
// append-only log; each is one JSON file under $HAZLEDGER_DATA_DIR/reports/ (like the gate
// cameras' pictures), read by the regulator of the drum's producer.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
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
    await writeFile(join(this.dir, `${report.id}.json`), `${JSON.stringify(report)}\n`, { flag: 'wx' });
    return report;
  }

  /** Reports about drums of these producers (all when `producers` is undefined), newest first. */
  async list(producers: Set<string> | undefined, limit: number): Promise<PublicReport[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => ID.test(n.replace(/\.json$/, ''))).sort().reverse();
    const out: PublicReport[] = [];
    for (const name of names) {
      const r = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as PublicReport;
      if (!producers || producers.has(r.producerOrgId)) out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }
}
