// Giving a person a login (or a new username and password): shared by the admin's route and the
// `hazledger login` command (the way back in when no admin can log in).
import type { Sql } from '../../ledger/store/sql.js';
import { Problem } from '../problem.js';
import { hashPassword, weakPassword } from './passwords.js';
import type { Tokens } from './tokens.js';

export const weak = (why: string) => new Problem(422, 'WEAK_PASSWORD', 'Password too weak', why);

export function refuseWeak(password: string, username: string): void {
  const why = weakPassword(password, username);
  if (why) throw weak(why);
}

/** 403, not 401: the caller's token is good (a 401 would have the web app refresh it and ask again). */
export const wrongPassword = (detail: string) => new Problem(403, 'WRONG_PASSWORD', 'Wrong password', detail);

export async function personExists(sql: Sql, id: string): Promise<void> {
  const [p] = await sql.query('SELECT 1 FROM people WHERE id = $1', [id]);
  if (!p) throw new Problem(404, 'NOT_FOUND', 'Not found', `no person ${id} in the registry`);
}

/** Give person `id` this login; their sessions end (they log in with the new password). */
export async function giveLogin(sql: Sql, tokens: Tokens, id: string, username: string, password: string): Promise<void> {
  await personExists(sql, id);
  refuseWeak(password, username);
  const taken = () => new Problem(409, 'USERNAME_TAKEN', 'Username taken', `username ${username} is another person's`);
  const [holder] = await sql.query<{ person_id: string }>('SELECT person_id FROM credentials WHERE username = $1', [username]);
  if (holder && holder.person_id !== id) throw taken();
  const hash = await hashPassword(password);
  try {
    await tokens.endSessions(id, (tx) =>
      tx.query(
        `INSERT INTO credentials (person_id, username, password_hash) VALUES ($1, $2, $3)
         ON CONFLICT (person_id) DO UPDATE SET username = EXCLUDED.username, password_hash = EXCLUDED.password_hash`,
        [id, username, hash],
      ));
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw taken(); // taken by someone else between the check and the write
    throw e;
  }
}
