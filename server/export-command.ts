// `hazledger export <ledger-entries|management-ledger|epcis> …`: an export of the configured
// database into a file, streamed (a window of the log at a time), with progress on stderr. It
// writes FILE.partial and renames it at the end, so a FILE is always a whole export. Each kind's
// code (exceljs, the EPCIS mapping) is loaded only when asked for: less memory for the others.
import { createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Sql } from '../ledger/store/sql.js';
import type { Config } from './config.js';
import { openDatabase } from './db/open.js';
import { parsePeriod, PeriodError, type Period } from './exports/period.js';
import { Progress } from './exports/progress.js';

export const EXPORT_USAGE = `usage: hazledger export <kind> --out FILE [options]

  ledger-entries     the log's entries as NDJSON, each line exactly the stored bytes
                     [--from DATE --to DATE: only entries that happened in those days]
  management-ledger  a producer's HJ 1259 management ledger (管理台账), CSV or XLSX
                     --producer ORG --from DATE --to DATE [--format csv|xlsx]
  epcis              a producer's units' events as one EPCIS 2.0 JSON-LD document
                     --producer ORG --from DATE --to DATE

  DATE is YYYY-MM-DD in China Standard Time; both days are included.
  --format     csv, xlsx, ndjson or jsonld (default: from the kind, and FILE's extension)
  --batch N    log entries (units, for epcis) read per query (default 500; 1000 for ledger-entries; 200 for epcis)
  --progress-every MS  how often a progress line is printed on stderr (default 1000)
  --json       print a JSON summary on stdout at the end`;

const FORMATS: Record<string, string[]> = { 'ledger-entries': ['ndjson'], 'management-ledger': ['csv', 'xlsx'], epcis: ['jsonld'] };
const VALUED = ['producer', 'from', 'to', 'format', 'out', 'batch', 'progress-every'];

class UsageError extends Error {}

/** `--name value` or `--name=value`; `--json` alone. */
function parseArgs(args: string[]): { kind?: string; opts: Map<string, string>; json: boolean } {
  const opts = new Map<string, string>();
  let kind: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      if (!VALUED.includes(name)) throw new UsageError(`unknown option --${name}`);
      const value = inline ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      opts.set(name, value);
    } else if (!kind) kind = a;
    else throw new UsageError(`unexpected argument ${JSON.stringify(a)}`);
  }
  return { kind, opts, json };
}

const positive = (name: string, v: string | undefined, fallback: number, min = 1) => {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}`);
  return Number(v);
};

async function checkProducer(sql: Sql, orgId: string): Promise<string> {
  const [org] = await sql.query<{ kind: string }>('SELECT kind FROM organisations WHERE id = $1', [orgId]);
  if (org?.kind !== 'producer') throw new UsageError(`no producer ${orgId} in the registry`);
  return orgId;
}

export interface ExportRequest {
  kind: string;
  out: string;
  format: string;
  producer?: string;
  period?: Period;
  batch?: number;
  every: number;
  json: boolean;
}

/** The command line checked without the database: the request, or what is wrong with it. */
export function parseExportArgs(args: string[]): ExportRequest | { usageError: string } {
  try {
    const { kind, opts, json } = parseArgs(args);
    if (!kind || !FORMATS[kind]) throw new UsageError(kind ? `unknown export ${JSON.stringify(kind)}` : 'which export?');
    const out = opts.get('out') ?? '';
    if (!out) throw new UsageError('--out FILE is required');
    const format = opts.get('format') ?? (kind === 'management-ledger' && out.endsWith('.xlsx') ? 'xlsx' : FORMATS[kind][0]);
    if (!FORMATS[kind].includes(format)) throw new UsageError(`${kind} is written as ${FORMATS[kind].join(' or ')}, not ${format}`);
    if (kind === 'ledger-entries' && opts.has('producer')) throw new UsageError('ledger-entries takes no --producer: it is the whole log');
    if (kind !== 'ledger-entries' && !opts.has('producer')) throw new UsageError('--producer ORG is required');
    const period = kind !== 'ledger-entries' || opts.has('from') || opts.has('to') ? parsePeriod(opts.get('from'), opts.get('to')) : undefined;
    const batch = opts.has('batch') ? positive('batch', opts.get('batch'), 0) : undefined;
    const every = positive('progress-every', opts.get('progress-every'), 1000, 0);
    return { kind, out, format, producer: opts.get('producer'), period, batch, every, json };
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof PeriodError)) throw e;
    return { usageError: e.message };
  }
}

export async function exportCommand(config: Config, args: string[]): Promise<number> {
  const request = parseExportArgs(args);
  if ('usageError' in request) {
    console.error(`hazledger export: ${request.usageError}\n\n${EXPORT_USAGE}`);
    return 2;
  }
  const { kind, out, format, period, batch, every, json } = request;
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir, poolSize: 2 });
  const partial = `${out}.partial`;
  try {
    let progress: Progress;
    if (kind === 'ledger-entries') {
      const { ledgerEntryChunks } = await import('./exports/ledger-entries.js');
      progress = new Progress(kind, 'entries', 'entries', every);
      const chunks = ledgerEntryChunks(db.sql, { period, window: batch, onProgress: (d, t, w) => progress.update(d, t, w) });
      await pipeline(Readable.from(chunks), createWriteStream(partial));
    } else {
      let producer: string;
      try {
        producer = await checkProducer(db.sql, request.producer!);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        console.error(`hazledger export: ${e.message}`);
        return 2;
      }
      if (kind === 'epcis') {
        const { epcisChunks } = await import('./exports/epcis-stream.js');
        progress = new Progress(kind, 'units', 'events', every);
        const chunks = epcisChunks(db.sql, { orgId: producer, period: period!, window: batch, onProgress: (d, t, w) => progress.update(d, t, w) });
        await pipeline(Readable.from(chunks), createWriteStream(partial));
      } else {
        const { managementLedger } = await import('./exports/management-ledger.js');
        const { csvChunks } = await import('./exports/csv.js');
        const { writeXlsx } = format === 'xlsx' ? await import('./exports/xlsx.js') : { writeXlsx: undefined };
        progress = new Progress(kind, 'entries', 'lines', every);
        const windows = managementLedger(db.sql, { orgId: producer, period: period!, window: batch });
        const onWindow = (w: { done: number; total: number }, lines: number) => progress.update(w.done, w.total, lines);
        if (!writeXlsx) await pipeline(Readable.from(csvChunks(windows, onWindow)), createWriteStream(partial));
        else {
          const file = createWriteStream(partial);
          await Promise.all([writeXlsx(windows, file, { onWindow }), finished(file)]);
        }
      }
    }
    await rename(partial, out);
    const summary = progress.finish(out, (await stat(out)).size);
    if (json) console.log(JSON.stringify(summary));
    return 0;
  } catch (e) {
    await unlink(partial).catch(() => {});
    throw e;
  } finally {
    await db.close();
  }
}
