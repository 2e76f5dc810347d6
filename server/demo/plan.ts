// The demo park's history as a pure, deterministic plan: which steps, by whom, when, with which
// data. Most steps are dated on the anchor's clock (seconds after a midnight in China Standard
// Time, shortly before the first start), the loads still under way on the start's own clock
// (working seconds before it): see builder.ts. The same seed gives the same plan; seed-history.ts
// plays it through the real custody commands.
import { DEFAULT_DEMO_SEED } from '../config.js';
import { clock, dayOf, Builder, type DemoPlan } from './builder.js';
import { planManifests } from './plan-manifests.js';
import { planUnits } from './plan-units.js';

export type { DemoPlan, PlanStep, PlannedManifest, Fate, Note } from './builder.js';

export { DEFAULT_DEMO_SEED };

export function buildPlan(seed: number = DEFAULT_DEMO_SEED): DemoPlan {
  const b = new Builder(seed);
  planUnits(b);
  const manifests = planManifests(b);
  // In time order: the anchor's clock first, then the start's (every step on the anchor's clock
  // is before the start's clock reaches back); steps at the same time keep the order planned.
  const phase = (s: { from: string }) => (s.from === 'anchor' ? 0 : 1);
  const sorted = b.steps.map((s, i) => ({ s, i })).sort((x, y) => phase(x.s) - phase(y.s) || x.s.t - y.s.t || x.i - y.i);
  const steps = sorted.map(({ s }, i) => ({ ...s, n: i + 1, eventId: `demo-${seed}-${String(i + 1).padStart(5, '0')}` }));
  const first = dayOf(steps[0].t);
  return { seed, registryAt: clock(first - 1, 8), steps, units: b.units.size, manifests };
}
