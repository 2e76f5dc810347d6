// Treatment: the receiving operator records how a unit was disposed of or recovered (a D/R code
// its licence lists), which closes the unit; when every unit of the manifest is closed (or sent
// on, or was never picked up), the manifest closes in the same step. The licence must cover the
// waste code, the method, the date and the year's tonnage (both in China Standard Time).
import type { Envelope } from '../../ledger/index.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { chainUnderManifest } from './manifest-entries.js';
import { lockManifest } from './manifest-store.js';
import { cstDate } from '../china-time.js';
import { nextUnitState } from './unit-lifecycle.js';
import { unitSettled } from './manifest-lifecycle.js';
import type { UnitRow } from './unit-projection.js';
import { lockUnit } from './unit-store.js';
import { grams } from './unit-commands.js';
import { runStep, type StepInput } from './write-step.js';

interface Licence {
  id: string;
  wasteCodes: string[];
  tonnesPerYear: number;
  validUntil: string;
  methods: string[];
}

/** The licence that covers this treatment, or a LICENCE_SCOPE refusal saying why none does. */
async function coveringLicence(tx: Sql, orgId: string, unit: UnitRow, method: string, at: string): Promise<Licence> {
  const licences = (await tx.query<{ record: Licence }>('SELECT record FROM licences WHERE org_id = $1', [orgId])).map((r) => r.record);
  const day = cstDate(at);
  const valid = licences.filter((l) => l.validUntil >= day);
  const forWaste = valid.filter((l) => l.wasteCodes.includes(unit.wasteCode));
  const fit = forWaste.find((l) => l.methods.includes(method));
  if (!fit) {
    const why = valid.length === 0 ? 'no valid licence' : forWaste.length === 0 ? `no licence covers waste code ${unit.wasteCode}` : `the licence does not list method ${method}`;
    throw new DomainError('LICENCE_SCOPE', `cannot treat unit ${unit.id}: ${why}`);
  }
  // The year's running total, raised in this transaction: a concurrent treatment under the same
  // licence waits for the row, so two cannot both squeeze under the limit.
  const [{ total }] = await tx.query<{ total: unknown }>(
    `INSERT INTO licence_usage (licence_id, year, grams) VALUES ($1, $2, $3)
     ON CONFLICT (licence_id, year) DO UPDATE SET grams = licence_usage.grams + EXCLUDED.grams RETURNING grams AS total`,
    [fit.id, Number(day.slice(0, 4)), grams(unit.netKg ?? '0')],
  );
  if (Number(total) > fit.tonnesPerYear * 1_000_000) {
    throw new DomainError('LICENCE_SCOPE', `licence ${fit.id} allows ${fit.tonnesPerYear} t a year: this unit would exceed it`);
  }
  return fit;
}

export async function treatUnit(ctx: CustodyContext, actor: Actor, unitId: string, s: StepInput & { method: string }) {
  const at = s.at ?? new Date().toISOString();
  const claim = { eventId: s.eventId, action: 'unit.dispose', subject: `unit:${unitId}`, at, data: { method: s.method } };
  return runStep(ctx, actor, s, claim, async (tx, sig) => {
    // The manifest it was received under: it carried the unit and did not send it on (a unit
    // refused, sent on and received here again was received under the later one).
    const [on] = await tx.query<{ id: string }>(
      `SELECT id FROM manifests WHERE carried ? $1 AND NOT sent_on ? $1 AND receiver_org_id = $2 AND state = 'received' ORDER BY created_at DESC LIMIT 1`,
      [unitId, actor.orgId],
    );
    if (!on) throw new DomainError('NOT_IN_SCOPE', `unit ${unitId} was not received by your organisation`);
    const m = await lockManifest(tx, on.id);
    const unit = await lockUnit(tx, unitId);
    nextUnitState(unit.state, 'dispose', actor.role);
    const licence = await coveringLicence(tx, actor.orgId, unit, s.method, at);
    const others = await tx.query<{ id: string; state: string }>('SELECT id, state FROM units WHERE id = ANY($1) AND id <> $2', [m.carried, unitId]);
    const closes = others.every((u) => unitSettled(u, m.sentOn));
    const closing: Envelope = { v: 1, type: 'manifest.closed', at, by: { org: actor.orgId, person: actor.personId, role: actor.role }, manifest: m.id, data: { eventId: s.eventId }, sig };
    return chainUnderManifest(actor, at, m, sig, { after: closes ? [closing] : [] }, [unit], () => ({ type: 'unit.disposed', data: { manifestId: m.id, method: s.method, licenceId: licence.id, eventId: s.eventId } }));
  });
}
