// Webhook subscriptions, one organisation each, and the outbox rows a finding puts in for them
// (in the transaction that raises it, so no alert is lost between the two).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from '../../ledger/store/sql.js';
import type { Actor } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import type { FindingRow } from '../findings/finding-store.js';
import type { WebhookTargets } from './webhook-targets.js';

export interface Subscription {
  id: string;
  orgId: string;
  url: string;
  active: boolean;
  createdAt: string;
  failuresInRow: number;
  disabledAt: string | null;
  disabledReason: string | null;
  deliveries: { pending: number; delivered: number; failed: number };
}

export function checkWebhookUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DomainError('BAD_INPUT', `not a URL: ${url}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new DomainError('BAD_INPUT', 'a webhook URL is http or https');
  if (u.username || u.password) throw new DomainError('BAD_INPUT', 'a webhook URL carries no credentials: the payload signature authenticates us');
}

/** Creates a subscription to a URL `targets` allows; its secret is shown this once. */
export async function subscribe(sql: Sql, actor: Actor, url: string, targets: WebhookTargets): Promise<{ id: string; secret: string }> {
  checkWebhookUrl(url);
  await targets.check(new URL(url));
  const id = `wh-${randomUUID()}`;
  const secret = randomBytes(32).toString('base64url');
  await sql.query('INSERT INTO webhook_subscriptions (id, org_id, url, secret, created_by) VALUES ($1, $2, $3, $4, $5)', [id, actor.orgId, url, secret, actor.personId]);
  return { id, secret };
}

export async function subscriptions(sql: Sql, actor: Actor, id?: string): Promise<Subscription[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT s.id, s.org_id, s.url, s.active, s.created_at, s.failures_in_row, s.disabled_at, s.disabled_reason,
            count(d.id) FILTER (WHERE d.status = 'pending') AS pending,
            count(d.id) FILTER (WHERE d.status = 'delivered') AS delivered,
            count(d.id) FILTER (WHERE d.status = 'failed') AS failed
       FROM webhook_subscriptions s LEFT JOIN webhook_deliveries d ON d.subscription_id = s.id
      WHERE s.org_id = $1 ${id ? 'AND s.id = $2' : ''}
      GROUP BY s.id ORDER BY s.created_at, s.id`,
    id ? [actor.orgId, id] : [actor.orgId],
  );
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return rows.map((r) => ({
    id: r.id as string, orgId: r.org_id as string, url: r.url as string, active: Boolean(r.active), createdAt: iso(r.created_at)!,
    failuresInRow: Number(r.failures_in_row), disabledAt: iso(r.disabled_at), disabledReason: (r.disabled_reason as string) ?? null,
    deliveries: { pending: Number(r.pending), delivered: Number(r.delivered), failed: Number(r.failed) },
  }));
}

export async function subscriptionOf(sql: Sql, actor: Actor, id: string): Promise<Subscription> {
  const [s] = await subscriptions(sql, actor, id);
  if (!s) throw new DomainError('NOT_FOUND', `no webhook subscription ${id} of your organisation`);
  return s;
}

/** Switch a subscription on again (after it was disabled for failing), or off. */
export async function setActive(sql: Sql, actor: Actor, id: string, active: boolean): Promise<Subscription> {
  await subscriptionOf(sql, actor, id);
  await sql.query(
    `UPDATE webhook_subscriptions SET active = $3, failures_in_row = 0, disabled_at = CASE WHEN $3 THEN NULL ELSE now() END,
            disabled_reason = CASE WHEN $3 THEN NULL ELSE 'switched off by its organisation' END
      WHERE id = $1 AND org_id = $2`,
    [id, actor.orgId, active],
  );
  return subscriptionOf(sql, actor, id);
}

export async function unsubscribe(sql: Sql, actor: Actor, id: string): Promise<void> {
  await subscriptionOf(sql, actor, id);
  await sql.query(`DELETE FROM webhook_deliveries WHERE subscription_id = $1 AND status = 'pending'`, [id]);
  await sql.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id]);
}

export async function deliveries(sql: Sql, actor: Actor, id: string, status?: string) {
  await subscriptionOf(sql, actor, id);
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT id, finding_id, status, attempts, next_attempt_at, last_status, last_error, delivered_at, created_at FROM webhook_deliveries
      WHERE subscription_id = $1 ${status ? 'AND status = $2' : ''} ORDER BY id DESC LIMIT 500`,
    status ? [id, status] : [id],
  );
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return rows.map((r) => ({
    id: Number(r.id), findingId: r.finding_id as string, status: r.status as string, attempts: Number(r.attempts), nextAttemptAt: iso(r.next_attempt_at)!,
    lastStatus: r.last_status === null ? null : Number(r.last_status), lastError: (r.last_error as string) ?? null, deliveredAt: iso(r.delivered_at), createdAt: iso(r.created_at)!,
  }));
}

/**
 * Queue a new finding for every active subscription of an organisation it touches, and of the
 * authorities whose region covers one. Runs inside the finding's own transaction.
 */
export async function enqueueFinding(tx: Sql, f: FindingRow): Promise<void> {
  const payload = JSON.stringify({ event: 'finding.raised', finding: f });
  await tx.query(
    `INSERT INTO webhook_deliveries (subscription_id, finding_id, payload, status)
     SELECT s.id, $1, $2, 'pending' FROM webhook_subscriptions s
      WHERE s.active AND (s.org_id = ANY($3::text[]) OR s.org_id IN (
        SELECT a.id FROM organisations a, organisations o WHERE a.kind = 'authority' AND o.id = ANY($3::text[]) AND o.region LIKE a.region || '%'))
     ON CONFLICT DO NOTHING`,
    [f.id, payload, f.orgIds],
  );
}
