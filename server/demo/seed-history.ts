// Plays the demo plan through the custody commands, once, on a log that holds nothing but the
// registry: a few weeks of park history for a newcomer's first start (HAZLEDGER_DEMO=0 skips it).
import type { Sql } from '../../ledger/store/sql.js';
import type { CustodyContext } from '../custody/context.js';
import { DEMO_PEOPLE } from '../registry/demo-people.js';
import { planClock } from './builder.js';
import type { DemoPlan } from './plan.js';
import { DemoRun } from './steps.js';

export interface DemoReport {
  seeded: boolean;
  /** Why nothing was seeded. */
  skipped?: string;
  steps: number;
  units: number;
  manifests: number;
  ms: number;
}

/** When the registry should be sealed for this plan, given the time of the first start. */
export const registryTime = (plan: DemoPlan, now: Date) => new Date(planClock(now).ms(plan.registryAt, 'anchor'));

/** Why the demo must not run here, if it must not: custody history exists, or the demo people do not. */
export async function demoBlocker(sql: Sql): Promise<string | undefined> {
  const [row] = await sql.query<{ busy: boolean; people: unknown }>(
    `SELECT EXISTS (SELECT 1 FROM units) OR EXISTS (SELECT 1 FROM manifests)
            OR EXISTS (SELECT 1 FROM ledger_entries WHERE type <> 'registry.changed')
            OR EXISTS (SELECT 1 FROM ledger_intake WHERE type <> 'registry.changed') AS busy,
            (SELECT count(*) FROM people WHERE id = ANY($1) AND public_jwk IS NOT NULL) AS people`,
    [DEMO_PEOPLE.map((p) => p.id)],
  );
  if (row.busy) return 'the log already holds custody history';
  if (Number(row.people) < DEMO_PEOPLE.length) return 'the demo people are not in the registry (HAZLEDGER_SEED=0?)';
  return undefined;
}

/**
 * Seed the plan's history if the log holds only the registry. Every step goes through the
 * command path one after another. Event ids come from the seed and the step number, so when two
 * processes start on one empty database at once, the second finds its first step already taken
 * (answered as a retry) and leaves the rest to the first.
 */
export async function seedDemoHistory(
  ctx: CustodyContext,
  plan: DemoPlan,
  opts: { now?: Date; log?: (message: string) => void; /** Gate camera pictures go here; without it, no gate captures. */ dataDir?: string } = {},
): Promise<DemoReport> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const blocker = await demoBlocker(ctx.sql);
  if (blocker) {
    log(`demo: not seeding the demo park history: ${blocker}`);
    return { seeded: false, skipped: blocker, steps: 0, units: 0, manifests: 0, ms: performance.now() - started };
  }
  const run = new DemoRun(ctx, opts.now ?? new Date(), opts.dataDir);
  const total = plan.steps.length;
  log(`demo: seeding the demo park history (seed ${plan.seed}): ${plan.units} units, ${plan.manifests.length} manifests, ${total} steps`);
  let shown = performance.now();
  for (const [i, step] of plan.steps.entries()) {
    try {
      // The first step is the claim: if it is a retry, another process took it and is seeding.
      if ((await run.run(step)) && i === 0) {
        log('demo: another process is seeding the demo park history; leaving it to that one');
        return { seeded: false, skipped: 'another process is seeding it', steps: 0, units: 0, manifests: 0, ms: performance.now() - started };
      }
    } catch (e) {
      const subject = 'unit' in step ? step.unit : step.manifest;
      throw new Error(
        `demo: step ${step.n}/${total} (${step.kind} ${subject}) failed: ${(e as Error).message}; ` +
          'what was seeded before it stays (start with HAZLEDGER_DEMO=0 on a fresh data directory to skip the demo)',
        { cause: e },
      );
    }
    if (performance.now() - shown > 2000 || i + 1 === total) {
      shown = performance.now();
      log(`demo: ${i + 1}/${total} steps`);
    }
  }
  const ms = performance.now() - started;
  log(`demo: seeded ${plan.units} units and ${plan.manifests.length} manifests in ${(ms / 1000).toFixed(1)} s`);
  return { seeded: true, steps: total, units: plan.units, manifests: plan.manifests.length, ms };
}
