// The admin registers a transporter's vehicle or an operator's licence, new or changed (a truck
// bought, a licence renewed): a sealed `registry.changed` upsert, held to the rules the fixture is
// checked by (registry/validate.ts). A retry under the same event id gets the first answer.
import { isValidPlate, licenceProblems, normalizePlate, vehicleProblems, type Licence, type RecordProblem, type Vehicle } from '../registry/validate.js';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { changeOnce, sealRegistryChange } from './registry-change.js';
import { wasteCodes } from './waste-codes.js';

/** A field left out keeps the vehicle's registered value; a new vehicle needs them all. */
export interface VehicleInput {
  eventId: string;
  orgId: string;
  kind?: Vehicle['kind'];
  ratedLoadKg?: number;
  roadTransportPermit?: string;
}

/** `methods` left out keeps the licence's registered methods (a renewal); a new licence needs them. */
export interface LicenceInput {
  eventId: string;
  orgId: string;
  number: string;
  wasteCodes: string[];
  tonnesPerYear: number;
  validUntil: string;
  methods?: string[];
}

export interface Upserted<R> {
  record: R;
  index: number;
  /** True when this answered a retry of a change already made. */
  replayed: boolean;
  /** The record was not in the registry before (false for a replay). */
  created: boolean;
}

interface Upsert<R> {
  kind: 'vehicle' | 'licence';
  id: string;
  table: 'vehicles' | 'licences';
  key: 'plate' | 'id';
  eventId: string;
  /** The request as sent: a retry under its event id must repeat it. */
  claim: object;
  /** The record the request makes of the registered one (undefined: none yet). */
  build(earlier: R | undefined): R;
  /** Its problems under the fixture's rules, given its owner's kind. */
  problems(record: R, ownerKind: string | undefined): RecordProblem[];
}

export async function registerVehicle(ctx: CustodyContext, actor: Actor, plateAsSent: string, input: VehicleInput): Promise<Upserted<Vehicle>> {
  const plate = normalizePlate(plateAsSent);
  if (!isValidPlate(plate)) throw new DomainError('BAD_PLATE', `${plateAsSent} is not a Chinese licence plate (e.g. 浙J12345, 浙JD12345, 浙J12345D)`);
  const { eventId, orgId } = input;
  const given = { kind: input.kind, ratedLoadKg: input.ratedLoadKg, roadTransportPermit: input.roadTransportPermit?.trim() };
  return upsert<Vehicle>(ctx, actor, {
    kind: 'vehicle',
    id: plate,
    table: 'vehicles',
    key: 'plate',
    eventId,
    claim: { action: 'vehicle.register', plate, orgId, ...nullFor(given) },
    build(earlier) {
      const v = { ...earlier, ...definedOf(given) };
      if (v.kind === undefined || v.ratedLoadKg === undefined || v.roadTransportPermit === undefined) {
        throw new DomainError('BAD_INPUT', `vehicle ${plate} is new: give its kind, ratedLoadKg and roadTransportPermit`);
      }
      return { plate, orgId, kind: v.kind, ratedLoadKg: v.ratedLoadKg, roadTransportPermit: v.roadTransportPermit };
    },
    problems: vehicleProblems,
  });
}

export async function registerLicence(ctx: CustodyContext, actor: Actor, id: string, input: LicenceInput): Promise<Upserted<Licence>> {
  const { eventId, orgId, wasteCodes: codes, tonnesPerYear, validUntil } = input;
  const number = input.number.trim();
  return upsert<Licence>(ctx, actor, {
    kind: 'licence',
    id,
    table: 'licences',
    key: 'id',
    eventId,
    claim: { action: 'licence.register', id, orgId, number, wasteCodes: codes, tonnesPerYear, validUntil, methods: input.methods ?? null },
    build(earlier) {
      // A licence is issued to one operator: another's is a new licence, under its own id.
      if (earlier && earlier.orgId !== orgId) throw new DomainError('LICENCE_HELD_BY_OTHER', `licence ${id} is held by ${earlier.orgId}, not ${orgId}`);
      const methods = input.methods ?? earlier?.methods;
      if (!methods) throw new DomainError('BAD_INPUT', `licence ${id} is new: give its methods`);
      return { id, orgId, number, wasteCodes: codes, tonnesPerYear, validUntil, methods };
    },
    problems: (l, holderKind) => licenceProblems(l, holderKind, wasteCodes()),
  });
}

async function upsert<R extends { orgId: string }>(ctx: CustodyContext, actor: Actor, u: Upsert<R>): Promise<Upserted<R>> {
  let created = false; // a retry answered changed nothing
  const { answer, index, replayed } = await changeOnce(ctx, actor, u.eventId, u.claim, async (event) => {
    const sealed = await sealRegistryChange(
      ctx,
      actor,
      async (tx) => {
        // Built on the registered record, locked until the change commits.
        const [row] = await tx.query<{ record: unknown }>(`SELECT record FROM ${u.table} WHERE ${u.key} = $1 FOR UPDATE`, [u.id]);
        const before = row ? ((typeof row.record === 'string' ? JSON.parse(row.record) : row.record) as R) : undefined;
        const record = u.build(before);
        const [owner] = await tx.query<{ kind: string }>('SELECT kind FROM organisations WHERE id = $1', [record.orgId]);
        const [problem] = u.problems(record, owner?.kind);
        if (problem) throw new DomainError(problem.code, `${u.kind} ${u.id}: ${problem.message}`);
        created = before === undefined;
        return { kind: u.kind, id: u.id, record: record as Record<string, unknown> };
      },
      undefined,
      event,
    );
    return { answer: sealed.change.record as unknown as R, index: sealed.index };
  });
  return { record: answer, index, replayed, created: created && !replayed };
}

const definedOf = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
const nullFor = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v ?? null]));
