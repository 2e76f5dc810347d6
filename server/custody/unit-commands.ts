// Producer-side custody commands on units: register (one or a batch), tag, weigh, store, retrieve.
import { randomUUID } from 'node:crypto';
import type { Envelope, EventType } from '../../ledger/index.js';
import type { Sql } from '../../ledger/store/sql.js';
import { cstDate } from '../china-time.js';
import { formatHj1276Code } from '../units/identifiers/hj1276.js';
import { checkCompanyPrefix, decodeGrai96 } from '../units/identifiers/epc.js';
import { IdentifierError } from '../units/identifiers/errors.js';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { runStep, type StepInput, type StepResult } from './write-step.js';
import type { SignatureRecord } from './signatures.js';
import { applyUnitEntry, type UnitRow } from './unit-projection.js';
import { mayRegister, nextUnitState, type UnitAction } from './unit-lifecycle.js';
import { lockUnit, saveUnitSql } from './unit-store.js';
import { wasteCodeEntry } from './waste-codes.js';

/** What a producer states about a new unit; the rest of its row is derived. */
export type Registration = StepInput &
  Pick<UnitRow, 'siteId' | 'wasteCode' | 'name' | 'hazards' | 'physicalForm' | 'containerType' | 'volumeL' | 'components' | 'generationDate'> & { epc?: string };

const now = () => new Date().toISOString();

function envelope(actor: Actor, type: EventType, at: string, unit: string, data: Record<string, unknown>, sig: SignatureRecord[], prev?: string): Envelope {
  return {
    v: 1,
    type,
    at,
    by: { org: actor.orgId, person: actor.personId, role: actor.role },
    unit,
    ...(prev ? { prev: { unit: prev } } : {}),
    data,
    sig,
  };
}

/** Decode a tag read and keep only our drums; answers the GRAI the label's QR carries. */
function readTag(ctx: CustodyContext, epc: string): { epc: string; grai: string } {
  try {
    const decoded = checkCompanyPrefix(decodeGrai96(epc), ctx.gs1CompanyPrefixes);
    return { epc: decoded.hex, grai: decoded.grai };
  } catch (e) {
    if (e instanceof IdentifierError) throw new DomainError('BAD_TAG', e.message);
    throw e;
  }
}

async function tagIsFree(tx: Sql, epc: string, unitId?: string): Promise<void> {
  const [holder] = await tx.query<{ id: string }>(`SELECT id FROM units WHERE epc = $1 AND state <> 'disposed' AND id IS DISTINCT FROM $2`, [epc, unitId ?? null]);
  if (holder) throw new DomainError('TAG_IN_USE', `tag ${epc} is bound to open unit ${holder.id}`);
}

export async function registerUnit(ctx: CustodyContext, actor: Actor, r: Registration): Promise<StepResult<UnitRow>> {
  mayRegister(actor.role);
  const waste = wasteCodeEntry(r.wasteCode);
  const at = r.at ?? now();
  const claimData = { siteId: r.siteId, wasteCode: r.wasteCode, name: r.name, hazards: r.hazards, physicalForm: r.physicalForm, containerType: r.containerType, volumeL: r.volumeL, components: r.components, generationDate: r.generationDate, ...(r.epc ? { epc: r.epc } : {}) };
  const claim = { eventId: r.eventId, action: 'unit.register', subject: `site:${r.siteId}`, at, data: claimData };
  return runStep(ctx, actor, r, claim, async (tx, sig) => {
    // Waste is registered once it exists: a generation day after the step's own (China time) is
    // a typo, and would put a date no drum has yet into its HJ 1276 code. (Checked in the step,
    // so that a retry of one taken before this check gets its first answer; an `at` that is no
    // real time is refused with the step's other checks.)
    if (!Number.isNaN(Date.parse(at)) && r.generationDate > cstDate(at)) {
      throw new DomainError('BAD_INPUT', `generationDate ${r.generationDate} is after the day of the registration (${cstDate(at)}, China Standard Time)`);
    }
    // The site (one of the producer's own) and the day's next HJ 1276 sequence number, in one
    // round trip. An unknown site allocates nothing; a later refusal rolls the number back.
    const day = r.generationDate.replace(/-/g, '');
    const [site] = await tx.query<{ uscc: string; next: number }>(
      `WITH s AS (SELECT o.uscc FROM sites s JOIN organisations o ON o.id = s.org_id WHERE s.id = $1 AND s.org_id = $2),
            n AS (INSERT INTO unit_sequences (producer_org_id, day, next) SELECT $2, $3, 1 FROM s
                  ON CONFLICT (producer_org_id, day) DO UPDATE SET next = unit_sequences.next + 1 RETURNING next)
       SELECT s.uscc, n.next FROM s, n`,
      [r.siteId, actor.orgId, day],
      'site_and_unit_sequence',
    );
    if (!site) throw new DomainError('UNKNOWN_SITE', `site ${r.siteId} is not one of your organisation's sites`);
    const tag = r.epc ? readTag(ctx, r.epc) : undefined;
    if (tag) await tagIsFree(tx, tag.epc);
    const hjCode = formatHj1276Code({ producerCode: site.uscc, wasteCode: r.wasteCode, date: r.generationDate, sequence: Number(site.next) });
    const id = randomUUID();
    const data = { ...claimData, hjCode, producerOrgId: actor.orgId, wasteCategory: waste.category, ...(tag ?? {}), eventId: r.eventId };
    const entry = envelope(actor, 'unit.registered', at, id, data, sig);
    return {
      entries: [entry],
      project: ([leaf], params) => {
        const row = applyUnitEntry(undefined, entry, leaf);
        return { response: row, sql: saveUnitSql(row, params) };
      },
    };
  });
}

/**
 * A batch is a list of registrations, each its own step with its own event id and entry, sealed
 * in order. The first refusal stops the batch; the ones before it stay sealed, and sending the
 * same batch again answers them as retries and carries on.
 */
export async function registerUnits(ctx: CustodyContext, actor: Actor, batch: Registration[]): Promise<StepResult<UnitRow>[]> {
  const results: StepResult<UnitRow>[] = [];
  for (const r of batch) results.push(await registerUnit(ctx, actor, r));
  return results;
}

type StepData = Record<string, unknown>;


/** A unit its producer holds, or one a transfer manifest has brought to the actor's organisation. */
async function inCustody(tx: Sql, actor: Actor, unit: UnitRow): Promise<boolean> {
  if (actor.role === 'producer') return unit.producerOrgId === actor.orgId;
  if (actor.role !== 'operator') return false;
  const rows = await tx.query(`SELECT 1 FROM manifests WHERE carried ? $1 AND receiver_org_id = $2 AND state IN ('arrived', 'received') LIMIT 1`, [unit.id, actor.orgId]);
  return rows.length > 0;
}

/** A step on an existing unit: lock it, check the move, seal the entry, update the row. */
async function unitStep(
  ctx: CustodyContext,
  actor: Actor,
  unitId: string,
  step: StepInput,
  action: UnitAction,
  type: EventType,
  claimData: StepData,
  prepare: (tx: Sql, unit: UnitRow) => Promise<StepData> | StepData = () => claimData,
): Promise<StepResult<UnitRow>> {
  const at = step.at ?? now();
  const claim = { eventId: step.eventId, action: type, subject: `unit:${unitId}`, at, data: claimData };
  return runStep(ctx, actor, step, claim, async (tx, sig) => {
    const unit = await lockUnit(tx, unitId);
    // Whose unit it is comes before what may be done with it, so a refusal tells nothing of
    // another organisation's unit: its producer's, or (to weigh it again) the operator's it was
    // delivered to on a transfer manifest.
    if (!(await inCustody(tx, actor, unit))) throw new DomainError('NOT_IN_SCOPE', `unit ${unitId} is not in your custody`);
    nextUnitState(unit.state, action, actor.role);
    const data = { ...(await prepare(tx, unit)), eventId: step.eventId };
    const entry = envelope(actor, type, at, unitId, data, sig, unit.lastLeafHash);
    return {
      entries: [entry],
      project: ([leaf], params) => {
        const row = applyUnitEntry(unit, entry, leaf);
        return { response: row, sql: saveUnitSql(row, params) };
      },
    };
  });
}

export function tagUnit(ctx: CustodyContext, actor: Actor, unitId: string, step: StepInput & { epc: string }) {
  return unitStep(ctx, actor, unitId, step, 'tag', 'unit.tagged', { epc: step.epc }, async (tx) => {
    const tag = readTag(ctx, step.epc);
    await tagIsFree(tx, tag.epc, unitId);
    return tag;
  });
}

/** Decimal kilograms as text, up to 3 decimals: no binary floats in sealed entries. */
const KG = /^(0|[1-9][0-9]{0,6})(\.[0-9]{1,3})?$/;
/** Decimal kilograms (at most 3 decimals) as whole grams. */
export const grams = (kg: string) => {
  const [i, f = ''] = kg.split('.');
  return Number(i) * 1000 + Number(f.padEnd(3, '0'));
};
const kgText = (g: number) => (g % 1000 === 0 ? String(g / 1000) : (g / 1000).toFixed(3).replace(/0+$/, ''));

export interface Weighing extends StepInput {
  grossKg: string;
  tareKg: string;
  source: 'manual' | 'scale';
  deviceId?: string;
  /** SHA-256 (hex) of the raw scale frames kept as evidence. */
  framesSha256?: string;
}

/** Gross, tare and the computed net, as the decimal text entries carry; refused when they make no sense. */
export function weights(grossKg: string, tareKg: string): { grossKg: string; tareKg: string; netKg: string } {
  if (!KG.test(grossKg) || !KG.test(tareKg)) throw new DomainError('BAD_WEIGHT', 'weights are decimal kilograms with at most 3 decimals, e.g. "212.5"');
  const net = grams(grossKg) - grams(tareKg);
  if (net <= 0) throw new DomainError('BAD_WEIGHT', `gross ${grossKg} kg must exceed tare ${tareKg} kg`);
  return { grossKg: kgText(grams(grossKg)), tareKg: kgText(grams(tareKg)), netKg: kgText(net) };
}

export function weighUnit(ctx: CustodyContext, actor: Actor, unitId: string, w: Weighing) {
  const kg = weights(w.grossKg, w.tareKg);
  if (w.source === 'scale' && !w.deviceId) throw new DomainError('BAD_WEIGHT', 'a scale reading names its device');
  const data = {
    ...kg,
    unitOfMeasure: 'kg',
    source: w.source,
    ...(w.deviceId ? { deviceId: w.deviceId } : {}),
    ...(w.framesSha256 ? { framesSha256: w.framesSha256 } : {}),
  };
  return unitStep(ctx, actor, unitId, w, 'weigh', 'unit.weighed', data);
}

export function storeUnit(ctx: CustodyContext, actor: Actor, unitId: string, s: StepInput & { siteId: string; bay: string }) {
  return unitStep(ctx, actor, unitId, s, 'store', 'unit.stored', { siteId: s.siteId, bay: s.bay }, async (tx) => {
    const [site] = await tx.query<{ org_id: string; kind: string }>('SELECT org_id, kind FROM sites WHERE id = $1', [s.siteId]);
    if (!site || site.org_id !== actor.orgId || site.kind !== 'storage') {
      throw new DomainError('UNKNOWN_SITE', `site ${s.siteId} is not a storage facility of your organisation`);
    }
    return { siteId: s.siteId, bay: s.bay };
  });
}

export function retrieveUnit(ctx: CustodyContext, actor: Actor, unitId: string, s: StepInput & { reason?: string }) {
  return unitStep(ctx, actor, unitId, s, 'retrieve', 'unit.retrieved', s.reason ? { reason: s.reason } : {});
}
