// What every hostile-input test checks: a refusal is RFC 9457 problem+json with a stable code and
// never a 5xx; a refused request seals nothing; and afterwards the log and the read side still verify.
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { parseVkey } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import type { Context } from '../../server/context.js';
import { compareReadSide } from '../../server/custody/replay.js';

/** Codes are SCREAMING_SNAKE: stable names a client can switch on, not prose. */
export const STABLE_CODE = /^[A-Z][A-Z0-9_]{2,60}$/;

export function expectProblem(res: LightMyRequestResponse, why: string): { status: number; code: string } {
  expect(res.statusCode, `${why}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  expect(res.statusCode, why).toBeGreaterThanOrEqual(400);
  expect(res.headers['content-type'], why).toMatch(/^application\/problem\+json/);
  const p = res.json() as { type: string; title: string; status: number; code: string; detail?: string };
  expect(p.status, why).toBe(res.statusCode);
  expect(p.code, why).toMatch(STABLE_CODE);
  expect(p.type, why).toBe(`/problems/${p.code.toLowerCase().replace(/_/g, '-')}`);
  expect(typeof p.title, why).toBe('string');
  return p;
}

/** Every answer: no 5xx, and an error is a problem. */
export function expectAnswer(res: LightMyRequestResponse, why: string): void {
  expect(res.statusCode, `${why}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400) expectProblem(res, why);
}

/** Entries sealed plus entries waiting in the intake: a refused request must move neither. */
export async function recorded(ctx: Context): Promise<number> {
  await ctx.sequencer.idle();
  const [r] = await ctx.db.sql.query<{ n: unknown }>('SELECT (SELECT size FROM ledger_head) + (SELECT count(*) FROM ledger_intake) AS n');
  return Number(r.n);
}

/** The self-audit (every hash, root, checkpoint, chain and signature) and the read side against a replay. */
export async function expectLogVerifies(ctx: Context): Promise<void> {
  await ctx.sequencer.idle();
  expect((await auditLedger(ctx.db.sql, parseVkey(ctx.key.vkey))).breaks).toEqual([]);
  expect(await compareReadSide(ctx.db.sql)).toEqual([]);
}
