// Who is logged in: the token pair from /api/auth/login (or /refresh), kept for this tab only
// (sessionStorage), and the person's role, organisation and expiry read from the access token.
import type { Role } from './types.ts';

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, ms since the epoch. */
  expiresAt: number;
  personId: string;
  orgId: string;
  role: Role;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const KEY = 'hazledger.session';
const listeners = new Set<(s: Session | null) => void>();

/** The claims of a JWT, unverified: the server verifies; the page only needs to know the role. */
function claims(token: string): { sub?: string; org?: string; role?: string; exp?: number } {
  const part = token.split('.')[1] ?? '';
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

export function sessionFrom(pair: TokenPair, now = Date.now()): Session {
  const c = claims(pair.accessToken);
  if (!c.sub || !c.org || !c.role) throw new Error('the access token names no person, organisation or role');
  return {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: c.exp ? c.exp * 1000 : now + pair.expiresIn * 1000,
    personId: c.sub,
    orgId: c.org,
    role: c.role as Role,
  };
}

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = load();

export const getSession = (): Session | null => current;

export function setSession(s: Session | null): void {
  current = s;
  try {
    if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage may be disabled: the session then lasts as long as the page
  }
  for (const fn of listeners) fn(s);
}

let ended: 'expired' | 'logout' | null = null;

/** Log out: by the person's choice, or because the session could no longer be refreshed. */
export function endSession(why: 'expired' | 'logout'): void {
  ended = why;
  setSession(null);
}

/** Why the last session ended, once (the login page says so). */
export function takeEndReason(): 'expired' | 'logout' | null {
  const why = ended;
  ended = null;
  return why;
}

/** Called with the new session (null: logged out); returns the unsubscribe function. */
export function onSession(fn: (s: Session | null) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// A tab the browser duplicates starts with a copy of this tab's sessionStorage, so two tabs hold
// one refresh token, which is good for one refresh: presented again, the server takes it for a
// stolen copy and ends every session of the login. So refreshes take turns across tabs (a Web
// Lock), and a tab that refreshed tells the others which token it spent and the pair it got: a
// tab holding the spent token takes the new pair instead. (A tab asleep through the refresh
// presents the spent token later: the server refuses it, within a short grace without ending the
// other sessions.) Logging out in one of them logs out the others.
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('hazledger.session') : null;
channel?.addEventListener('message', (e: MessageEvent<{ spent?: string; next?: Session; loggedOut?: string }>) => {
  const { spent, next, loggedOut } = e.data ?? {};
  if (current && next && spent && current.refreshToken === spent) setSession(next);
  // Logged out in a tab holding the same session: this one is logged out too.
  if (current && loggedOut && current.refreshToken === loggedOut) endSession('logout');
});

/** Tell the other tabs that `spent` was refreshed into `next`. */
export function announceRotation(spent: string, next: Session): void {
  channel?.postMessage({ spent, next });
}

/** Tell the other tabs that the session holding `refreshToken` was logged out. */
export function announceLogout(refreshToken: string): void {
  channel?.postMessage({ loggedOut: refreshToken });
}

/** Run `fn` while no other tab of this origin runs one (where the browser has Web Locks). */
export async function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: { request(name: string, cb: () => Promise<T>): Promise<T> } }).locks;
  if (!locks) return fn();
  return locks.request('hazledger.refresh', async () => {
    // A rotation another tab announced just before it let go is delivered first.
    await new Promise((r) => setTimeout(r, 20));
    return fn();
  });
}
