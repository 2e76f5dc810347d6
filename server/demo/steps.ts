// One step of the demo plan through the real custody command (the one its HTTP route calls), as
// the demo person whose step it is, signed with that person's demo key unless the plan says the
// step is server-attested. Plan keys (u0001, m01) become the ids the commands hand out.
import { CompactSign, importJWK, type KeyObject } from 'jose';
import { canonicalBytes } from '../../ledger/index.js';
import type { Actor, CustodyContext } from '../custody/context.js';
import type { StepInput } from '../custody/write-step.js';
import { arrive, cancelManifest, createManifest, depart, receive, signManifest, takeCustody, type UnitDecision } from '../custody/manifest-commands.js';
import type { Claim } from '../custody/signatures.js';
import { treatUnit } from '../custody/treatment.js';
import { registerUnits, retrieveUnit, storeUnit, tagUnit, weighUnit, weights } from '../custody/unit-commands.js';
import { DEMO_PEOPLE, demoPrivateJwk } from '../registry/demo-people.js';
import { DAY } from './builder.js';
import type { Who } from './catalogue.js';
import type { PlanStep } from './plan.js';

const CST = 8 * 3600_000;

/** The start of the anchor's day in China Standard Time, in ms: plan times count from there. */
export const cstMidnight = (now: Date) => Math.floor((now.getTime() + CST) / (DAY * 1000)) * DAY * 1000 - CST;

export class DemoRun {
  /** Plan keys to the ids the commands made. */
  readonly ids = new Map<string, string>();
  private readonly keys = new Map<Who, Promise<KeyObject | Uint8Array>>();

  constructor(
    readonly ctx: CustodyContext,
    /** ms of the anchor (today 00:00 CST). */
    readonly anchor: number,
  ) {}

  at = (t: number) => new Date(this.anchor + t * 1000).toISOString();
  /** The calendar day (CST) of a plan time. */
  day = (t: number) => new Date(this.anchor + t * 1000 + CST).toISOString().slice(0, 10);

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
    const at = this.at(s.t);
    const { action, subject, data, call } = this.command(s, this.actor(s.who), at);
    const signature = s.signed ? await this.sign(s.who, { eventId: s.eventId, action, subject, at, data }) : undefined;
    return (await call({ eventId: s.eventId, at, ...(signature ? { signature } : {}) })).replayed;
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
        const data = { siteId, wasteCode, name, hazards, physicalForm, containerType, volumeL, components, generationDate: this.day(s.t), ...(epc ? { epc } : {}) };
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
        const draft = { receiverOrgId: s.receiverOrgId, legs: s.legs, unitIds: s.units.map((u) => this.id(u)), plannedDate: this.day(s.plannedDay * DAY + 12 * 3600) };
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
    }
  }
}

interface Command {
  action: string;
  subject: string;
  data: Record<string, unknown>;
  call(step: StepInput): Promise<{ replayed: boolean }>;
}
