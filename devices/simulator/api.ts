// The park's people at work over the real API: each demo person logs in with the demo password
// and signs each step with the demo key (README "Demo accounts"): a compact JWS over the RFC 8785
// bytes of {eventId, action, subject, at, data}, the claim the server rebuilds from the request.
// Plus the public ledger read the runner watches for what the devices' readings became.
import { CompactSign, importJWK, type KeyObject } from 'jose';
import { canonicalBytes } from '../../ledger/index.js';
import { DEMO_PEOPLE, demoPrivateJwk } from '../../server/registry/demo-people.js';
import { sleep } from './clock.js';

/** fetch, with a network failure said plainly (fetch itself only says "fetch failed"). */
export async function reach(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach ${new URL(url).origin} (${cause?.code ?? cause?.message ?? (e as Error).message}): is the hazledger server running there?`);
  }
}

export type Who = 'producer' | 'producer2' | 'driver' | 'driver2' | 'operator' | 'operator2' | 'admin';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Sealed {
  index: number;
  leafHash: string;
}

export class ParkApi {
  private readonly tokens = new Map<Who, Promise<string>>();
  private readonly keys = new Map<Who, Promise<KeyObject | Uint8Array>>();
  private n = 0;
  /** Steps sent and answered 2xx, by action. */
  readonly sent = new Map<string, number>();

  constructor(
    readonly server: string,
    /** Prefix of every event id: `sim-<seed>-<run>`. */
    readonly eventPrefix: string,
  ) {}

  private person(who: Who) {
    const p = DEMO_PEOPLE.find((x) => x.username === who);
    if (!p) throw new Error(`no demo person ${who}`);
    return p;
  }

  private token(who: Who): Promise<string> {
    if (!this.tokens.has(who)) {
      const p = this.person(who);
      this.tokens.set(who, this.call('POST', '/api/auth/login', undefined, { username: p.username, password: p.password }).then((b) => (b as { accessToken: string }).accessToken));
    }
    return this.tokens.get(who)!;
  }

  async call(method: 'GET' | 'POST', path: string, who?: Who, body?: unknown, retried = false): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (who) headers.authorization = `Bearer ${await this.token(who)}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await reach(`${this.server}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401 && who && !retried) {
      // A slow day outlives an access token: log in again and send the same request (a step
      // sent again under its event id is answered as a retry, never taken twice).
      this.tokens.delete(who);
      return this.call(method, path, who, body, true);
    }
    const text = await res.text();
    if (!res.ok) throw new ApiError(res.status, `${method} ${path}${who ? ` as ${who}` : ''}: HTTP ${res.status} ${text.slice(0, 400)}`);
    return text ? JSON.parse(text) : undefined;
  }

  get = (path: string, who: Who) => this.call('GET', path, who);

  /** A fresh event id for the next step. */
  eventId(): string {
    return `${this.eventPrefix}-${String(++this.n).padStart(5, '0')}`;
  }

  private async sign(who: Who, claim: object): Promise<string> {
    if (!this.keys.has(who)) this.keys.set(who, importJWK(demoPrivateJwk(this.person(who).id), 'EdDSA'));
    return new CompactSign(canonicalBytes(claim)).setProtectedHeader({ alg: 'EdDSA' }).sign(await this.keys.get(who)!);
  }

  /**
   * One signed step: POST `body` plus eventId, at and signature to `path`. `claim` is what the
   * server will rebuild from the body (its action, subject and data).
   */
  async step<T = Record<string, unknown>>(who: Who, path: string, claim: { action: string; subject: string; data: Record<string, unknown> }, body: Record<string, unknown>): Promise<T> {
    const eventId = this.eventId();
    const at = new Date().toISOString();
    const signature = await this.sign(who, { eventId, action: claim.action, subject: claim.subject, at, data: claim.data });
    const answer = (await this.call('POST', path, who, { ...body, eventId, at, signature })) as T;
    this.sent.set(claim.action, (this.sent.get(claim.action) ?? 0) + 1);
    return answer;
  }
}

/** A sealed entry as `/ledger/entries` gives it, with its index. */
export interface LedgerEntry {
  index: number;
  type: string;
  at: string;
  by: { org?: string; role: string; device?: string; person?: string };
  unit?: string;
  manifest?: string;
  data: Record<string, unknown>;
}

/** Follows the public log from a given size: every entry sealed since, in order. */
export class LedgerTail {
  readonly entries: LedgerEntry[] = [];
  private next: number;

  constructor(
    private readonly server: string,
    readonly from: number,
    private readonly signal?: AbortSignal,
  ) {
    this.next = from;
  }

  /** The index the next sealed entry will have, as far as this tail knows. */
  get mark(): number {
    return this.next;
  }

  static async at(server: string, signal?: AbortSignal): Promise<LedgerTail> {
    const res = await reach(`${server}/ledger/checkpoint`);
    if (!res.ok) throw new Error(`${server}/ledger/checkpoint: HTTP ${res.status}: is a hazledger server running there?`);
    const size = Number((await res.text()).split('\n')[1]);
    return new LedgerTail(server, size, signal);
  }

  private polling?: Promise<void>;

  /** Reads what was sealed since the last poll (one read at a time: concurrent callers share it). */
  poll(): Promise<void> {
    this.polling ??= this.read().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async read(): Promise<void> {
    for (;;) {
      const res = await reach(`${this.server}/ledger/entries?start=${this.next}&limit=1000`);
      if (res.status === 404 || res.status === 400) return; // nothing past the end yet
      if (!res.ok) throw new Error(`ledger entries from ${this.next}: HTTP ${res.status}`);
      const lines = (await res.text()).split('\n').filter(Boolean);
      if (lines.length === 0) return;
      for (const line of lines) this.entries.push({ index: this.next++, ...(JSON.parse(line) as Omit<LedgerEntry, 'index'>) });
      if (lines.length < 1000) return;
    }
  }

  /** Polls until an entry matches, or fails after `ms` saying what it waited for. */
  async waitFor(what: string, match: (e: LedgerEntry) => boolean, ms = 30_000): Promise<LedgerEntry> {
    for (const end = Date.now() + ms; ; await sleep(50, this.signal)) {
      await this.poll();
      const found = this.entries.find(match);
      if (found) return found;
      if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    }
  }
}
