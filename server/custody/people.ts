// The people of the park's registry; each change to one is sealed (registry-change.ts). Enrolling
// a person's signing key takes a proof that they hold the new key's private half; the admin adds a
// person, with a login when one is given (logins themselves are never sealed).
import { randomBytes } from 'node:crypto';
import type { Sql } from '../../ledger/store/sql.js';
import { checkLogin, writeLogin } from '../auth/logins.js';
import { ORG_KIND_OF_ROLE, rolesForOrgKind, type PersonRole } from '../registry/person-roles.js';
import type { JWK } from 'jose';
import type { Actor, CustodyContext } from './context.js';
import { DomainError } from './errors.js';
import { changeOnce, checkKeyPossession, sealRegistryChange } from './registry-change.js';

/** What a new key must sign to show its holder has the private half. */
export const enrolmentClaim = (personId: string) => ({ action: 'key.enrol', person: personId });

export async function enrollKey(ctx: CustodyContext, actor: Actor, jwk: JWK, proof: string): Promise<{ index: number }> {
  await checkKeyPossession(jwk, proof, enrolmentClaim(actor.personId));
  return sealRegistryChange(ctx, actor, async (tx) => {
    const [p] = await tx.query<{ id: string; org_id: string; role: string; name: string }>('SELECT id, org_id, role, name FROM people WHERE id = $1 FOR UPDATE', [actor.personId]);
    return { kind: 'person', id: p.id, record: { id: p.id, orgId: p.org_id, role: p.role, name: p.name, publicJwk: jwk } };
  });
}

export interface NewPerson {
  /** The client's id for this addition: a retry with it gets the first answer, and adds no one. */
  eventId: string;
  orgId: string;
  role: PersonRole;
  name: string;
  username?: string;
  password?: string;
}

export interface AddedPerson {
  person: { id: string; orgId: string; role: PersonRole; name: string; username: string | null };
  index: number;
  /** True when this answered a retry of an addition already made. */
  replayed: boolean;
}

/** The role must be one a person of the organisation's kind holds (a driver works for a transporter). */
async function refuseRoleOutsideOrg(tx: Sql, orgId: string, role: PersonRole): Promise<void> {
  const [org] = await tx.query<{ kind: string }>('SELECT kind FROM organisations WHERE id = $1', [orgId]);
  if (!org) throw new DomainError('UNKNOWN_ORGANISATION', `no organisation ${orgId} in the registry`);
  if (ORG_KIND_OF_ROLE[role] !== org.kind) {
    const fits = rolesForOrgKind(org.kind);
    throw new DomainError('ROLE_NOT_FOR_ORGANISATION', `${orgId} is a ${org.kind}: its people are ${fits.join(' or ') || 'none'}, not ${role}`);
  }
}

/** Format characters (zero-width, bidirectional overrides), line and paragraph separators, C1 controls. */
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\u0080-\u009f]/u;

/** The admin adds a person to the registry, with a login when a username and password are given. */
export async function addPerson(ctx: CustodyContext, actor: Actor, input: NewPerson): Promise<AddedPerson> {
  const name = input.name.normalize('NFC').trim();
  if (!name) throw new DomainError('BAD_INPUT', 'a person needs a name');
  // Sealed for good and shown on every page and document: no invisible or reordering characters.
  if (INVISIBLE.test(name)) throw new DomainError('BAD_INPUT', 'a name may not hold invisible, line-separating or direction-changing characters');
  const { eventId, orgId, role, username, password } = input;
  if ((username === undefined) !== (password === undefined)) throw new DomainError('BAD_INPUT', 'give a username and a password together, or neither');
  // The request as a retry must repeat it; the password is left out (its hash is not to be kept
  // beside the login's): a retry under the same id is the same addition, whatever password it sends.
  const claim = { action: 'person.add', orgId, role, name, username: username ?? null };
  const { answer, index, replayed } = await changeOnce(ctx, actor, eventId, claim, async (event) => {
    const id = `p-${randomBytes(6).toString('hex')}`;
    // Checked and hashed before the transaction (scrypt is slow); the unique username is checked again on the write.
    const hash = username !== undefined ? await checkLogin(ctx.sql, id, username, password!) : undefined;
    const record = { id, orgId, role, name };
    const person = { ...record, username: username ?? null };
    const sealed = await sealRegistryChange(
      ctx,
      actor,
      async (tx) => {
        await refuseRoleOutsideOrg(tx, orgId, role);
        return { kind: 'person', id, record, answer: person };
      },
      hash === undefined ? undefined : (tx) => writeLogin(tx, id, username!, hash),
      event,
    );
    return { answer: person, index: sealed.index };
  });
  return { person: answer, index, replayed };
}
