// Short-lived access tokens (HS256 JWT, jose) and rotating refresh tokens (random, stored hashed).
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor } from '../custody/context.js';
import type { Role } from '../custody/unit-lifecycle.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

export function loadJwtSecret(dataDir: string, configured?: string): Uint8Array {
  if (configured) return new TextEncoder().encode(configured);
  const path = join(dataDir, 'auth.secret');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}

/**
 * A spent refresh token presented again within this many seconds is only refused; later, every
 * session of its login ends. (A thief gets no tokens either way; within the grace the alarm is not raised.)
 */
const REUSE_GRACE_SECONDS = 30;

/** How many checked access tokens are remembered (one a signed-in device or browser tab). */
const VERIFIED_TOKENS = 10_000;

export class Tokens {
  /** Imported once: importing the secret costs more than checking a token with it. */
  private readonly secret: KeyObject;

  constructor(
    private readonly sql: Sql,
    secret: Uint8Array,
    private readonly ttl: { access: number; refresh: number },
  ) {
    this.secret = createSecretKey(secret);
  }

  /**
   * What is stored of a refresh token: its HMAC under the JWT secret, so that changing the secret
   * (HAZLEDGER_JWT_SECRET, or data/auth.secret) ends every session, refresh tokens included.
   */
  private hashToken(token: string): Buffer {
    return createHmac('sha256', this.secret).update(token).digest();
  }

  /**
   * A new pair for a person, under the session version their login had when it was checked
   * (read with the password, or with the refresh token): if that has moved on meanwhile (a new
   * password, the login taken away), both tokens are refused from the start.
   */
  async issue(actor: Actor, sessionVersion: number): Promise<TokenPair> {
    const accessToken = await new SignJWT({ org: actor.orgId, role: actor.role, sv: sessionVersion })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(actor.personId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttl.access}s`)
      .sign(this.secret);
    const refreshToken = randomBytes(32).toString('base64url');
    // With it, the person's refresh tokens that expired a day ago or more go (they prove nothing more).
    await this.sql.query(
      `WITH gone AS (DELETE FROM refresh_tokens WHERE person_id = $2 AND expires_at < now() - interval '1 day')
       INSERT INTO refresh_tokens (token_hash, person_id, expires_at, session_version) VALUES ($1, $2, now() + make_interval(secs => $3), $4)`,
      [this.hashToken(refreshToken), actor.personId, this.ttl.refresh, sessionVersion],
    );
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.ttl.access };
  }

  async verify(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now() / 1000) return known.actor;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'] }));
    } catch {
      this.verified.delete(token);
      throw new AuthError('the access token is missing, expired or not ours');
    }
    // Once per token (then remembered): a token from before the password changed, or of a login
    // taken away, is refused.
    const ended = this.ended.get(payload.sub!);
    const [login] = await this.sql.query<{ session_version: unknown }>('SELECT session_version FROM credentials WHERE person_id = $1', [payload.sub]);
    if (!login || Number(login.session_version) !== payload.sv) throw new AuthError('this session has ended (the password was changed or the login taken away): log in again');
    const actor: Actor = { personId: payload.sub!, orgId: payload.org as string, role: payload.role as Role };
    if (this.ended.get(actor.personId) === ended) this.remember(token, actor, payload.exp!);
    return actor;
  }

  /**
   * Tokens already checked, until they expire: the same bytes under the same secret verify the
   * same way, and jose's check (a WebCrypto key import and an HMAC job) costs more than many a
   * request it guards. Bounded; the oldest is forgotten first.
   */
  private readonly verified = new Map<string, { actor: Actor; expiresAt: number }>();

  private remember(token: string, actor: Actor, expiresAt: number): void {
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { actor, expiresAt });
  }

  /** Log out: the refresh token can no longer be used (the access token lapses within its short life). */
  async revoke(refreshToken: string): Promise<void> {
    await this.sql.query('UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [this.hashToken(refreshToken)]);
  }

  /**
   * Use a refresh token once: it is revoked and a new pair is issued with the person's current
   * role, while they may still log in. A token already spent on a refresh, presented again after
   * the grace, means two holders (one of them a thief, RFC 9700 §4.14.2): every session of that
   * login is ended. (A token revoked otherwise, by logging out or a new password, is only refused.)
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const hash = this.hashToken(refreshToken);
    // Spent in the statement that finds it good: unrevoked, unexpired, and of the login's
    // current session version (a person whose login was taken away has none).
    const rows = await this.sql.query<{ person_id: string; session_version: unknown }>(
      `UPDATE refresh_tokens r SET revoked_at = now(), rotated_at = now() FROM credentials c
        WHERE r.token_hash = $1 AND r.revoked_at IS NULL AND r.expires_at > now() AND c.person_id = r.person_id AND c.session_version = r.session_version
        RETURNING r.person_id, c.session_version`,
      [hash],
    );
    if (!rows[0]) {
      const [spent] = await this.sql.query<{ person_id: string; just_now: boolean }>(
        `SELECT r.person_id, r.rotated_at > now() - make_interval(secs => $2) AS just_now FROM refresh_tokens r JOIN credentials c ON c.person_id = r.person_id
          WHERE r.token_hash = $1 AND r.rotated_at IS NOT NULL AND r.expires_at > now() AND c.session_version = r.session_version`,
        [hash, REUSE_GRACE_SECONDS],
      );
      // Spent a moment ago: most likely the same client, its answer lost on the way, or a second
      // tab of it asking at the same time. Refused, but nothing is ended for it.
      if (spent?.just_now) throw new AuthError('the refresh token was used a moment ago: log in again');
      if (spent) {
        await this.endSessions(spent.person_id);
        throw new AuthError('the refresh token was already used: every session of this login has been ended, log in again');
      }
      throw new AuthError('the refresh token is unknown, used or expired, or the login was changed or taken away');
    }
    // The person's current role and organisation (a login without a person in the registry is not issued for).
    const [p] = await this.sql.query<{ id: string; org_id: string; role: Role }>('SELECT id, org_id, role FROM people WHERE id = $1', [rows[0].person_id]);
    if (!p) throw new AuthError('that person is not in the registry');
    return this.issue({ personId: p.id, orgId: p.org_id, role: p.role }, Number(rows[0].session_version));
  }

  /**
   * End every session of a person: `change` (a new password, the login taken away) is written
   * with their session version moved on, so that access and refresh tokens issued before are
   * refused, and their refresh tokens revoked; remembered access tokens are forgotten once it has
   * committed. Resolves to the new session version (undefined: no login any more).
   */
  async endSessions(personId: string, change?: (tx: Sql) => Promise<unknown>): Promise<number | undefined> {
    // A check in flight on either side of the commit is not remembered (verify compares these).
    this.ended.set(personId, (this.ended.get(personId) ?? 0) + 1);
    const version = await this.sql.transaction(async (tx) => {
      await change?.(tx);
      const [row] = await tx.query<{ session_version: unknown }>(
        "UPDATE credentials SET session_version = nextval('session_versions') WHERE person_id = $1 RETURNING session_version",
        [personId],
      );
      await tx.query('UPDATE refresh_tokens SET revoked_at = now() WHERE person_id = $1 AND revoked_at IS NULL', [personId]);
      return row ? Number(row.session_version) : undefined;
    });
    this.ended.set(personId, (this.ended.get(personId) ?? 0) + 1);
    for (const [token, v] of this.verified) if (v.actor.personId === personId) this.verified.delete(token);
    return version;
  }

  /** How many times each person's sessions were ended in this process. */
  private readonly ended = new Map<string, number>();
}
