// What the day should have sealed, and what it did: entries by type for the day's units,
// manifests and devices (from the public log), findings expected by the plan against those
// raised (GET /api/findings), and the emulated devices' health as the gateway reported it
// (GET /api/devices).
import type { LedgerEntry, LedgerTail, ParkApi } from './api.js';
import type { Made } from './day.js';
import type { DayPlan } from './plan.js';

export interface Summary {
  ok: boolean;
  seconds: number;
  stepsSent: number;
  cameraPushes: { sent: number; duplicates: number };
  /** Entries by type: what the day should seal and what was sealed. */
  expected: Record<string, number>;
  sealed: Record<string, number>;
  findings: { expected: string[]; raised: string[] };
  devices: Record<string, { link?: unknown; frames?: unknown; readings?: unknown; errors?: unknown }>;
  problems: string[];
}

/** Entry counts by type that the plan implies (README "Park simulator" lists them). */
export function expectedEntries(plan: DayPlan): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (type: string, n: number) => (out[type] = (out[type] ?? 0) + n);
  for (const m of plan.manifests) {
    const units = m.units.length;
    const loaded = m.units.filter((u) => !u.leftBehind).length;
    for (const t of ['unit.registered', 'unit.weighed', 'unit.stored', 'unit.retrieved']) add(t, units);
    add('manifest.created', 1);
    add('manifest.signed', 2); // signed, then the pickup step
    add('unit.loaded', loaded); // every one by a device: the bay reader or the driver's handheld
    add('manifest.departed', 1);
    add('vehicle.sighted', 2); // in and out (a resent capture is recognised, not sealed again)
    add('vehicle.weighed', 2);
    add('manifest.arrived', 1);
    add('manifest.received', 1);
    add('unit.received', loaded);
    add('unit.disposed', loaded);
    add('manifest.closed', 1);
  }
  const findings = plan.expectedFindings.length;
  if (findings) add('finding.raised', findings);
  return out;
}

/** The day's entries: those of its units and manifests, and those its devices took. */
export function ours(made: Made, devices: Set<string>) {
  const units = new Set([...made.units.values()].map((u) => u.id));
  const manifests = new Set(made.manifests.values());
  return (e: LedgerEntry) => {
    if (e.type === 'finding.raised') {
      const s = (e.data as { subjects?: { manifest?: string; units?: string[] } }).subjects ?? {};
      return (s.manifest !== undefined && manifests.has(s.manifest)) || (s.units ?? []).some((u) => units.has(u));
    }
    if (e.type === 'vehicle.sighted' || e.type === 'vehicle.weighed') return devices.has(e.by.device ?? '');
    return (e.unit !== undefined && units.has(e.unit)) || (e.manifest !== undefined && manifests.has(e.manifest));
  };
}

export function countByType(entries: LedgerEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) out[e.type] = (out[e.type] ?? 0) + 1;
  return out;
}

const short = (plan: DayPlan, made: Made) => {
  const unitKey = new Map([...made.units].map(([k, u]) => [u.id, k]));
  const manifestKey = new Map([...made.manifests].map(([k, id]) => [id, k]));
  return (f: { code: string; subjects: { manifest?: string; units?: string[] } }) =>
    [f.code, manifestKey.get(f.subjects.manifest ?? '') ?? '?', ...(f.code === 'PLATE_MISMATCH' ? [] : (f.subjects.units ?? []).map((u) => unitKey.get(u) ?? '?'))].join(' ');
};

/** Waits (up to `ms`) for the expected entries and findings, then reads health and compares. */
export async function summarise(plan: DayPlan, made: Made, api: ParkApi, tail: LedgerTail, devices: string[], started: number, ms = 30_000): Promise<Summary> {
  const expected = expectedEntries(plan);
  const mine = ours(made, new Set([...devices, ...plan.manifests.map((m) => m.receiver.camera.id)]));
  const name = short(plan, made);
  const expectedFindings = plan.expectedFindings.map((f) => [f.code, f.manifest, ...(f.unit ? [f.unit] : [])].join(' ')).sort();
  type F = { code: string; subjects: { manifest?: string; units?: string[] } };
  const raisedNow = async () => ((await api.get('/api/findings?limit=1000', 'admin')) as { findings: F[] }).findings.filter((f) => name(f).split(' ')[1] !== '?').map(name).sort();
  let sealed: Record<string, number> = {};
  let raised: string[] = [];
  const done = () => Object.entries(expected).every(([t, n]) => (sealed[t] ?? 0) >= n) && expectedFindings.every((f) => raised.includes(f));
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 200))) {
    await tail.poll();
    sealed = countByType(tail.entries.filter(mine));
    raised = await raisedNow();
    if (done() || Date.now() > end) break;
  }
  // The finding rules run after each batch: give them a moment to raise anything unexpected too.
  await new Promise((r) => setTimeout(r, 1500));
  await tail.poll();
  sealed = countByType(tail.entries.filter(mine));
  raised = await raisedNow();
  const health = (await api.get('/api/devices', 'admin')) as { devices: { id: string; gateway: { health: Record<string, unknown> } | null }[] };
  const deviceHealth: Summary['devices'] = {};
  for (const d of health.devices.filter((x) => devices.includes(x.id))) {
    const h = d.gateway?.health ?? {};
    deviceHealth[d.id] = { link: h.link, frames: h.frames, readings: h.readings, errors: h.errors };
  }
  const problems: string[] = [];
  for (const t of new Set([...Object.keys(expected), ...Object.keys(sealed)])) {
    if ((sealed[t] ?? 0) !== (expected[t] ?? 0)) problems.push(`${t}: expected ${expected[t] ?? 0}, sealed ${sealed[t] ?? 0}`);
  }
  if (raised.join('|') !== expectedFindings.join('|')) problems.push(`findings: expected [${expectedFindings.join(', ')}], raised [${raised.join(', ')}]`);
  if (plan.options.faults.has('garbage-reader')) {
    const errors = (deviceHealth['dev-ruitai-rfid']?.errors ?? {}) as Record<string, number>;
    if (!errors.JUNK || !errors.BAD_CHECKSUM) problems.push(`the garbage reader's health shows no JUNK and BAD_CHECKSUM errors: ${JSON.stringify(errors)}`);
  }
  return {
    ok: problems.length === 0,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    stepsSent: [...api.sent.values()].reduce((a, b) => a + b, 0),
    cameraPushes: made.pushes,
    expected,
    sealed,
    findings: { expected: expectedFindings, raised },
    devices: deviceHealth,
    problems,
  };
}

export function printSummary(s: Summary, log: (l: string) => void): void {
  log(`simulate: ${s.ok ? 'OK' : 'NOT OK'} in ${s.seconds} s — ${s.stepsSent} API steps sent, ${s.cameraPushes.sent} camera pushes (${s.cameraPushes.duplicates} resent, recognised)`);
  const types = [...new Set([...Object.keys(s.expected), ...Object.keys(s.sealed)])].sort();
  log(`  sealed / expected: ${types.map((t) => `${t} ${s.sealed[t] ?? 0}/${s.expected[t] ?? 0}`).join(', ')}`);
  log(`  findings expected: ${s.findings.expected.join('; ') || 'none'}`);
  log(`  findings raised:   ${s.findings.raised.join('; ') || 'none'}`);
  for (const [id, h] of Object.entries(s.devices)) log(`  ${id}: link ${String(h.link)}, ${String(h.frames)} frames, ${String(h.readings)} readings, errors ${JSON.stringify(h.errors ?? {})}`);
  for (const p of s.problems) log(`  problem: ${p}`);
}
