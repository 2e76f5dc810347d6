// The ledger's public contract (DESIGN.md §3). Inspectors' own tools depend on these shapes.
import type { FastifyInstance } from 'fastify';
import { toBase64 } from '../../ledger/index.js';
import { BeyondTreeError, type LedgerReader } from '../../ledger/store/reader.js';
import { badParameter, notFound } from '../problem.js';

const TEXT = 'text/plain; charset=utf-8';
const MAX_ENTRIES = 1000;

function integer(query: Record<string, string | undefined>, name: string, opts: { min?: number; fallback?: number } = {}) {
  const raw = query[name];
  if (raw === undefined && opts.fallback !== undefined) return opts.fallback;
  if (raw === undefined) throw badParameter(`${name} is required`);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw badParameter(`${name} must be a non-negative decimal integer, got ${JSON.stringify(raw)}`);
  }
  const n = Number(raw);
  if (opts.min !== undefined && n < opts.min) throw badParameter(`${name} must be at least ${opts.min}`);
  return n;
}

async function beyondTreeIs404<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof BeyondTreeError) throw notFound(e.message);
    throw e;
  }
}

export function ledgerRoutes(app: FastifyInstance, opts: { reader: LedgerReader; vkey: string }): void {
  const { reader, vkey } = opts;
  type Q = { Querystring: Record<string, string | undefined>; Params: Record<string, string | undefined> };

  app.get('/ledger/checkpoint', async (_req, reply) => {
    const head = await reader.head();
    return reply.type(TEXT).header('cache-control', 'no-cache').send(head.checkpoint);
  });

  app.get<Q>('/ledger/checkpoints/:size', async (req, reply) => {
    const size = integer(req.params, 'size');
    const note = await reader.checkpointAt(size);
    if (!note) throw notFound(`no checkpoint was signed at size ${size}`);
    return reply.type(TEXT).header('cache-control', 'public, max-age=31536000, immutable').send(note);
  });

  app.get('/ledger/vkey', async (_req, reply) => reply.type(TEXT).send(`${vkey}\n`));

  app.get<Q>('/ledger/entries/:index', async (req, reply) => {
    const index = integer(req.params, 'index');
    const body = await reader.entry(index);
    if (!body) throw notFound(`no entry at index ${index}`);
    return reply.type('application/json').send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });

  app.get<Q>('/ledger/entries', async (req, reply) => {
    const start = integer(req.query, 'start', { fallback: 0 });
    const limit = integer(req.query, 'limit', { min: 1, fallback: 100 });
    if (limit > MAX_ENTRIES) throw badParameter(`limit must be at most ${MAX_ENTRIES}`);
    const rows = await reader.entries(start, limit);
    if (rows.length === 0) throw notFound(`no entries from index ${start}`);
    const lines = rows.flatMap((r) => [Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength), NEWLINE]);
    return reply.type('application/x-ndjson').send(Buffer.concat(lines));
  });

  app.get<Q>('/ledger/proof/inclusion', async (req) => {
    const index = integer(req.query, 'index');
    const size = integer(req.query, 'size', { min: 1 });
    const p = await beyondTreeIs404(reader.inclusion(index, size));
    return { index: p.index, size: p.size, leafHash: toBase64(p.leafHash), path: p.path.map(toBase64) };
  });

  app.get<Q>('/ledger/proof/consistency', async (req) => {
    const from = integer(req.query, 'from');
    const to = integer(req.query, 'to');
    if (from > to) throw badParameter(`from (${from}) must not be larger than to (${to})`);
    const p = await beyondTreeIs404(reader.consistency(from, to));
    return { from: p.from, to: p.to, path: p.path.map(toBase64) };
  });

  app.get<Q>('/ledger/tlog-proof', async (req, reply) => {
    const index = integer(req.query, 'index');
    const proof = await beyondTreeIs404(reader.tlogProof(index));
    return reply.type(TEXT).send(proof);
  });
}

const NEWLINE = Buffer.from('\n');
