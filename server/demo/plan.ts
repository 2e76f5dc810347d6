// The demo park's history as a pure, deterministic plan: which steps, by whom, when (seconds
// relative to an anchor, the start of "today" in China Standard Time), with which data. The same
// seed gives the same plan; seed-history.ts plays it through the real custody commands.
import { DEFAULT_DEMO_SEED } from '../config.js';
import { clock, dayOf, Builder, type DemoPlan } from './builder.js';
import { planManifests } from './plan-manifests.js';
import { planUnits } from './plan-units.js';

export type { DemoPlan, PlanStep, PlannedManifest, Fate } from './builder.js';

export { DEFAULT_DEMO_SEED };

export function buildPlan(seed: number = DEFAULT_DEMO_SEED): DemoPlan {
  const b = new Builder(seed);
  planUnits(b);
  const manifests = planManifests(b);
  // In time order; steps at the same second keep the order they were planned in.
  const sorted = b.steps.map((s, i) => ({ s, i })).sort((x, y) => x.s.t - y.s.t || x.i - y.i);
  const steps = sorted.map(({ s }, i) => ({ ...s, n: i + 1, eventId: `demo-${seed}-${String(i + 1).padStart(5, '0')}` }));
  const first = dayOf(steps[0].t);
  return { seed, registryAt: clock(first - 1, 8), steps, units: b.units.size, manifests };
}
