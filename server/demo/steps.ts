// One step of the demo plan through the real custody command (the one its HTTP route calls), as
// the demo person whose step it is, signed with that person's demo key unless the plan says the
// step is server-attested; an offline batch through the offline path (reserved event ids, the
// device's clock). Plan keys (u0001, m01) become the ids the commands hand out, and plan times
// instants, resolved against the first start (builder.ts, planClock).
import { CompactSign, importJWK, type KeyObject } from 'jose';
import { canonicalBytes } from '../../ledger/index.js';
import type { Actor, CustodyContext } from '../custody/context.js';
import type { StepInput } from '../custody/write-step.js';
import { arrive, cancelManifest, createManifest, depart, receive, signManifest, takeCustody } from '../custody/manifest-commands.js';
import type { UnitDecision } from '../api-types.js';
import { cstDate } from '../china-time.js';
import { answerCorrection, proposeCorrection } from '../custody/manifest-corrections.js';
import { sendOnRefused } from '../custody/manifest-onward.js';
import { receiveOfflineSteps, reserveEventIds, type OfflineStep } from '../custody/offline-steps.js';
import type { Claim } from '../custody/signatures.js';
import { treatUnit } from '../custody/treatment.js';
import { registerUnits, retrieveUnit, storeUnit, tagUnit, weighUnit, weights } from '../custody/unit-commands.js';
import { DEMO_PEOPLE, demoPrivateJwk } from '../registry/demo-people.js';
import { DAY, planClock, type Phase } from './builder.js';
import type { Who } from './catalogue.js';
import { captureAtGate, weighInAtGate } from './receiver-gate.js';
import type { PlanStep } from './plan.js';

/** How long before the operator records a truck's arrival the gate camera reads its plate, and the weighbridge weighs it. */
const AT_GATE_BEFORE_MS = 3 * 60_000;
const ON_BRIDGE_BEFORE_MS = 60_000;

export class DemoRun {
  /** Plan keys to the ids the commands made. */
  readonly ids = new Map<string, string>();
  private readonly keys = new Map<Who, Promise<KeyObject | Uint8Array>>();
  private readonly clock: ReturnType<typeof planClock>;
  /** The time of the step run last. */
  private lastAt?: string;

  constructor(
    readonly ctx: CustodyContext,
    /** The first start: the plan's clocks are resolved against it. */
    now: Date,
    /** Where gate camera pictures are stored; without it, no gate captures. */
    private readonly dataDir?: string,
  ) {
    this.clock = planClock(now);
  }

  at = (t: number, from: Phase = 'anchor') => new Date(this.clock.ms(t, from)).toISOString();
  /** The calendar day (CST) of a plan time. */
  day = (t: number, from: Phase = 'anchor') => cstDate(this.at(t, from));

  actor(who: Who): Actor {
    const p = DEMO_PEOPLE.find((x) => x.username === who)!;
    return { personId: p.id, orgId: p.orgId, role: p.role };
  }

  id(key: string): string {
    const id = this.ids.get(key);
    if (!id) throw new Error(`no id yet for ${key}`);
    return id;
  }

  async sign(who: Who, claim: Claim): Promise<string> {
    if (!this.keys.has(who)) this.keys.set(who, importJWK(demoPrivateJwk(this.actor(who).personId), 'EdDSA'));
    return new CompactSign(canonicalBytes(claim)).setProtectedHeader({ alg: 'EdDSA' }).sign(await this.keys.get(who)!);
  }

  /**
   * Run one step as its person, signed unless the plan says otherwise. Answers whether it was a
   * retry of a step already taken (same person and event id).
   */
  async run(s: PlanStep): Promise<boolean> {
    if (s.kind === 'offline') return this.offline(s);
    const at = this.at(s.t, s.from);
    if (s.kind === 'arrive' && this.dataDir) await this.atReceiverGate(this.id(s.manifest), s.vehiclePlate, at, s.eventId);
    this.lastAt = at;
    const { action, subject, data, call } = this.command(s, this.actor(s.who), at);
    const signature = s.signed ? await this.sign(s.who, { eventId: s.eventId, action, subject, at, data }) : undefined;
    return (await call({ eventId: s.eventId, at, ...(signature ? { signature } : {}) })).replayed;
  }

  /** At the receiver's gate, just before the truck's arrival is recorded: its camera reads the plate, its weighbridge weighs the truck in. */
  private async atReceiverGate(manifestId: string, plate: string, arrivedAt: string, eventId: string): Promise<void> {
    const { sql, sequencer } = this.ctx;
    const [m] = await sql.query<{ receiver_org_id: string }>('SELECT receiver_org_id FROM manifests WHERE id = $1', [manifestId]);
    // Never before the step sealed before it: the log's times only go forward.
    const notBefore = this.lastAt ? Date.parse(this.lastAt) : -Infinity;
    const at = (ms: number) => new Date(Math.max(Date.parse(arrivedAt) - ms, notBefore));
    await captureAtGate({ sql, sequencer, dataDir: this.dataDir! }, m.receiver_org_id, plate, at(AT_GATE_BEFORE_MS), eventId);
    await sequencer.idle(); // the weighbridge reading takes its plate from the sealed sighting
    await weighInAtGate(this.ctx, m.receiver_org_id, manifestId, plate, at(ON_BRIDGE_BEFORE_MS));
  }

  /** The step's command, and the claim it builds from its input (write-step.ts), to sign. */
  private command(s: PlanStep, actor: Actor, at: string): Command {
    const { ctx } = this;
    const unit = () => this.id((s as { unit: string }).unit);
    const manifest = 'manifest' in s && s.kind !== 'create' ? this.id(s.manifest) : '';
    const onUnit = (action: string, data: Record<string, unknown>, call: Command['call']) => ({ action, subject: `unit:${unit()}`, data, call });
    const onManifest = (action: string, data: Record<string, unknown>, call: Command['call']) => ({ action, subject: `manifest:${manifest}`, data, call });
    switch (s.kind) {
      case 'register': {
        const { siteId, wasteCode, name, hazards, physicalForm, containerType, volumeL, components, epc } = s;
        const data = { siteId, wasteCode, name, hazards, physicalForm, containerType, volumeL, components, generationDate: this.day(s.t, s.from), ...(epc ? { epc } : {}) };
        return {
          action: 'unit.register',
          subject: `site:${siteId}`,
          data,
          call: async (step) => {
            const [r] = await registerUnits(ctx, actor, [{ ...step, ...data }]);
            this.ids.set(s.unit, r.response.id);
            return r;
          },
        };
      }
      case 'tag':
        return onUnit('unit.tagged', { epc: s.epc }, (step) => tagUnit(ctx, actor, unit(), { ...step, epc: s.epc }));
      case 'weigh': {
        const source = s.deviceId ? { source: s.source, deviceId: s.deviceId } : { source: s.source };
        const data = { ...weights(s.grossKg, s.tareKg), unitOfMeasure: 'kg', ...source };
        return onUnit('unit.weighed', data, (step) => weighUnit(ctx, actor, unit(), { ...step, grossKg: s.grossKg, tareKg: s.tareKg, ...source }));
      }
      case 'store':
        return onUnit('unit.stored', { siteId: s.siteId, bay: s.bay }, (step) => storeUnit(ctx, actor, unit(), { ...step, siteId: s.siteId, bay: s.bay }));
      case 'retrieve':
        return onUnit('unit.retrieved', { reason: s.reason }, (step) => retrieveUnit(ctx, actor, unit(), { ...step, reason: s.reason }));
      case 'treat':
        return onUnit('unit.dispose', { method: s.method }, (step) => treatUnit(ctx, actor, unit(), { ...step, method: s.method }));
      case 'create': {
        const plannedDate = s.plannedAt === undefined ? this.day(s.plannedDay * DAY + 12 * 3600) : this.day(s.plannedAt, 'now');
        const draft = { receiverOrgId: s.receiverOrgId, legs: s.legs, unitIds: s.units.map((u) => this.id(u)), plannedDate };
        return {
          action: 'manifest.create',
          subject: `org:${actor.orgId}`,
          data: { receiverOrgId: draft.receiverOrgId, legs: draft.legs, units: draft.unitIds, plannedDate: draft.plannedDate },
          call: async (step) => {
            const r = await createManifest(ctx, actor, { ...step, ...draft });
            this.ids.set(s.manifest, r.response.id);
            return r;
          },
        };
      }
      case 'sign':
        return onManifest('manifest.signed', { step: 'sign' }, (step) => signManifest(ctx, actor, manifest, step));
      case 'cancel':
        return onManifest('manifest.cancelled', { reason: s.reason }, (step) => cancelManifest(ctx, actor, manifest, { ...step, reason: s.reason }));
      case 'pick_up':
      case 'hand_over': {
        const scanned = s.scanned.map((u) => this.id(u));
        const data = { vehiclePlate: s.vehiclePlate, scanned: [...new Set(scanned)].sort() };
        return onManifest(`manifest.${s.kind}`, data, (step) => takeCustody(ctx, actor, manifest, s.kind, { ...step, vehiclePlate: s.vehiclePlate, scannedUnitIds: scanned }));
      }
      case 'depart':
        return onManifest('manifest.departed', { vehiclePlate: s.vehiclePlate }, (step) => depart(ctx, actor, manifest, { ...step, vehiclePlate: s.vehiclePlate }));
      case 'arrive':
        return onManifest('manifest.arrived', { vehiclePlate: s.vehiclePlate }, (step) => arrive(ctx, actor, manifest, { ...step, vehiclePlate: s.vehiclePlate }));
      case 'receive': {
        const decisions: UnitDecision[] = s.decisions.map(({ unit: u, ...d }) => ({ unitId: this.id(u), ...d })).sort((a, b) => (a.unitId < b.unitId ? -1 : 1));
        return onManifest('manifest.receive', { decisions }, (step) => receive(ctx, actor, manifest, { ...step, decisions }));
      }
      case 'send_on': {
        const draft = { receiverOrgId: s.receiverOrgId, legs: s.legs, unitIds: s.units.map((u) => this.id(u)), plannedDate: this.day(s.plannedDay * DAY + 12 * 3600) };
        const data = { receiverOrgId: draft.receiverOrgId, legs: draft.legs, units: [...draft.unitIds].sort(), plannedDate: draft.plannedDate };
        return onManifest('manifest.send_on', data, async (step) => {
          const r = await sendOnRefused(ctx, actor, manifest, { ...step, ...draft });
          this.ids.set(s.onward, r.response.id);
          return r;
        });
      }
      case 'correct': {
        const { plannedDay, legs } = s.changes;
        const changes = { ...(plannedDay !== undefined ? { plannedDate: this.day(plannedDay * DAY + 12 * 3600) } : {}), ...(legs ? { legs } : {}) };
        const data = { step: 'propose', reason: s.reason, changes };
        return onManifest('manifest.corrected', data, (step) => proposeCorrection(ctx, actor, manifest, { ...step, reason: s.reason, changes }));
      }
      case 'answer': {
        const data = { step: s.approve ? 'approve' : 'reject', version: s.version, ...(s.reason ? { reason: s.reason } : {}) };
        return onManifest('manifest.corrected', data, (step) => answerCorrection(ctx, actor, manifest, { ...step, version: s.version, approve: s.approve, ...(s.reason ? { reason: s.reason } : {}) }));
      }
      case 'offline':
        throw new Error('an offline batch is not one command');
    }
  }

  /**
   * A driver's device back in signal: it had reserved event ids before going out of it, recorded
   * each step with its own clock, and now sends the batch (last step first: the server puts them
   * in device-clock order). Each must be sealed.
   */
  private async offline(s: Extract<PlanStep, { kind: 'offline' }>): Promise<boolean> {
    const actor = this.actor(s.who);
    const manifestId = this.id(s.manifest);
    const ids = await reserveEventIds(this.ctx.sql, actor, s.records.length);
    const steps: OfflineStep[] = [];
    for (const [i, r] of s.records.entries()) {
      const at = this.at(r.t, 'now');
      const scanned = r.scanned?.map((u) => this.id(u));
      const [action, data] =
        r.kind === 'departure'
          ? ['manifest.departed', { vehiclePlate: r.vehiclePlate }]
          : [`manifest.${r.kind === 'pickup' ? 'pick_up' : 'hand_over'}`, { vehiclePlate: r.vehiclePlate, scanned: [...new Set(scanned)].sort() }];
      const signature = s.signed ? await this.sign(s.who, { eventId: ids[i], action, subject: `manifest:${manifestId}`, at, data }) : undefined;
      steps.push({ eventId: ids[i], at, kind: r.kind, manifestId, vehiclePlate: r.vehiclePlate, ...(scanned ? { scannedUnitIds: scanned } : {}), ...(signature ? { signature } : {}) });
    }
    const results = await receiveOfflineSteps(this.ctx, actor, steps.reverse());
    const unsealed = results.filter((r) => r.status !== 'sealed');
    if (unsealed.length > 0) throw new Error(`offline steps not sealed: ${JSON.stringify(unsealed)}`);
    return false;
  }
}

interface Command {
  action: string;
  subject: string;
  data: Record<string, unknown>;
  call(step: StepInput): Promise<{ replayed: boolean }>;
}
