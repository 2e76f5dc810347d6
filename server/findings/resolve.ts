// An inspector resolves a finding with a note: a sealed `finding.resolved` entry. Findings are
// never deleted; a resolved one stays, with who resolved it, when and why.
import type { Actor, CustodyContext } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import { runStep, type StepInput } from '../custody/write-step.js';
import { applyFindingEntry, findingForActor, saveFindingSql, type FindingRow } from './finding-store.js';

export async function resolveFinding(ctx: CustodyContext, actor: Actor, id: string, s: StepInput & { note: string }) {
  const at = s.at ?? new Date().toISOString();
  const claim = { eventId: s.eventId, action: 'finding.resolve', subject: `finding:${id}`, at, data: { note: s.note } };
  return runStep<FindingRow>(ctx, actor, s, claim, async (tx, sig) => {
    const f = await findingForActor(tx, actor, id, true);
    if (f.status === 'resolved') throw new DomainError('TRANSITION_REFUSED', `finding ${id} was resolved on ${f.resolvedAt}`);
    const entry = {
      v: 1, type: 'finding.resolved' as const, at, by: { org: actor.orgId, person: actor.personId, role: actor.role },
      data: { findingId: id, code: f.code, orgs: f.orgIds, note: s.note, eventId: s.eventId }, sig,
    };
    return {
      entries: [entry],
      project: (_leaves, params) => {
        const row = applyFindingEntry(f, entry);
        return { response: row, sql: saveFindingSql(row, params) };
      },
    };
  });
}
