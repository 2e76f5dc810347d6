// Giving a person a login (or a new username and password): shared by the admin's routes (a login
// for someone in the registry, or for a person being added) and the `hazledger login` command (the
// way back in when no admin can log in).
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

const taken = (username: string) => new Problem(409, 'USERNAME_TAKEN', 'Username taken', `username ${username} is another person's`);

/** A login for person `id` checked (a strong password, a username nobody else holds): the password's hash, for `writeLogin`. */
export async function checkLogin(sql: Sql, id: string, username: string, password: string): Promise<string> {
  refuseWeak(password, username);
  const [holder] = await sql.query<{ person_id: string }>('SELECT person_id FROM credentials WHERE username = $1', [username]);
  if (holder && holder.person_id !== id) throw taken(username);
  return hashPassword(password);
}

/** Write person `id`'s login in the caller's transaction (a new person's, with the person). */
export async function writeLogin(tx: Sql, id: string, username: string, hash: string): Promise<void> {
  try {
    await tx.query(
      `INSERT INTO credentials (person_id, username, password_hash) VALUES ($1, $2, $3)
       ON CONFLICT (person_id) DO UPDATE SET username = EXCLUDED.username, password_hash = EXCLUDED.password_hash`,
      [id, username, hash],
    );
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw taken(username); // taken by someone else between the check and the write
    throw e;
  }
}

/** Give person `id` this login; their sessions end (they log in with the new password). */
export async function giveLogin(sql: Sql, tokens: Tokens, id: string, username: string, password: string): Promise<void> {
  await personExists(sql, id);
  const hash = await checkLogin(sql, id, username, password);
  await tokens.endSessions(id, (tx) => writeLogin(tx, id, username, hash));
}
