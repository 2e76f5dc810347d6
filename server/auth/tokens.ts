// Short-lived access tokens (HS256 JWT, jose) and rotating refresh tokens (random, stored hashed).
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
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

  async issue(actor: Actor): Promise<TokenPair> {
    const accessToken = await new SignJWT({ org: actor.orgId, role: actor.role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(actor.personId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttl.access}s`)
      .sign(this.secret);
    const refreshToken = randomBytes(32).toString('base64url');
    await this.sql.query("INSERT INTO refresh_tokens (token_hash, person_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))", [
      this.hashToken(refreshToken),
      actor.personId,
      this.ttl.refresh,
    ]);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.ttl.access };
  }

  async verify(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now() / 1000) return known.actor;
    try {
      const { payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'] });
      const actor: Actor = { personId: payload.sub!, orgId: payload.org as string, role: payload.role as Role };
      this.remember(token, actor, payload.exp!);
      return actor;
    } catch {
      this.verified.delete(token);
      throw new AuthError('the access token is missing, expired or not ours');
    }
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

  /** Use a refresh token once: it is revoked and a new pair is issued with the person's current role, while they may still log in. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const rows = await this.sql.query<{ person_id: string }>(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING person_id',
      [this.hashToken(refreshToken)],
    );
    if (!rows[0]) throw new AuthError('the refresh token is unknown, used or expired');
    // A person whose login was taken away (credentials removed) gets no new tokens either.
    const [p] = await this.sql.query<{ id: string; org_id: string; role: Role }>(
      'SELECT p.id, p.org_id, p.role FROM people p JOIN credentials c ON c.person_id = p.id WHERE p.id = $1',
      [rows[0].person_id],
    );
    if (!p) throw new AuthError('that person can no longer log in');
    return this.issue({ personId: p.id, orgId: p.org_id, role: p.role });
  }
}
