// Delivers the webhook outbox: each due row is claimed (so two servers never send it twice at
// once), POSTed with an HMAC-SHA256 signature over timestamp and body, and either marked
// delivered or retried with exponential backoff. A delivery that exhausts its attempts is given
// up; a subscription whose deliveries are given up several times in a row is disabled and its
// organisation told over /live. Nothing here can touch the ledger.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Sql } from '../../ledger/store/sql.js';
import { WebhookTargets } from './webhook-targets.js';

export interface WebhookSettings {
  /** Attempts per delivery before it is given up. */
  attempts: number;
  /** Wait before the first retry; it doubles with each attempt (seconds). */
  backoffSeconds: number;
  /** Deliveries given up in a row before the subscription is disabled. */
  disableAfter: number;
  /** How long one POST may take (ms). */
  timeoutMs: number;
  /** How often the outbox is looked at (seconds; kicked at once when a finding is raised). */
  tickSeconds: number;
  /** Networks (CIDRs) webhooks may reach though they are not public: loopback, private and reserved ones are refused otherwise. */
  allowedNetworks: string[];
}

export const DEFAULT_WEBHOOKS: WebhookSettings = { attempts: 6, backoffSeconds: 30, disableAfter: 3, timeoutMs: 5000, tickSeconds: 5, allowedNetworks: [] };

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signPayload(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

interface Due extends Record<string, unknown> {
  id: unknown;
  payload: string;
  attempts: number;
  subscription_id: string;
  url: string;
  secret: string;
  org_id: string;
}

export class WebhookDispatcher {
  private timer?: NodeJS.Timeout;
  private busy?: Promise<void>;
  private again = false;
  /** Where deliveries may go (webhook-targets.ts); subscriptions are checked against it too. */
  readonly targets: WebhookTargets;

  constructor(
    private readonly sql: Sql,
    private readonly settings: WebhookSettings,
    /** Tell an organisation something (its /live listeners). */
    private readonly tell: (orgId: string, notice: { type: string; [k: string]: unknown }) => void,
  ) {
    this.targets = new WebhookTargets(settings.allowedNetworks);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.settings.tickSeconds * 1000).unref();
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
  }

  kick(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = (async () => {
      do {
        this.again = false;
        await this.deliverDue().catch(() => {});
      } while (this.again);
    })().finally(() => (this.busy = undefined));
  }

  /** Everything due now has been tried (for tests). */
  async settled(): Promise<void> {
    while (this.busy) await this.busy;
  }

  /** Claim the due rows (a short lease so another server leaves them), then try each. */
  async deliverDue(): Promise<number> {
    const lease = new Date(Date.now() + this.settings.timeoutMs + 30_000).toISOString();
    const due = await this.sql.query<Due>(
      `UPDATE webhook_deliveries d SET next_attempt_at = $1
         FROM webhook_subscriptions s
        WHERE s.id = d.subscription_id AND d.id IN (
              SELECT d2.id FROM webhook_deliveries d2 JOIN webhook_subscriptions s2 ON s2.id = d2.subscription_id
               WHERE d2.status = 'pending' AND s2.active AND d2.next_attempt_at <= now() ORDER BY d2.id LIMIT 50 FOR UPDATE OF d2 SKIP LOCKED)
        RETURNING d.id, d.payload, d.attempts, d.subscription_id, s.url, s.secret, s.org_id`,
      [lease],
    );
    await Promise.all(due.map((d) => this.attempt(d)));
    return due.length;
  }

  private async attempt(d: Due): Promise<void> {
    const t = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await postWebhook(new URL(d.url), d.payload, {
        'content-type': 'application/json', 'x-hazledger-delivery': String(d.id), 'x-hazledger-signature': signPayload(d.secret, d.payload, t),
      }, this.settings.timeoutMs, this.targets);
      if (status >= 200 && status < 300) {
        await this.sql.query(`UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = $2, last_error = NULL, delivered_at = now() WHERE id = $1`, [d.id, status]);
        await this.sql.query('UPDATE webhook_subscriptions SET failures_in_row = 0 WHERE id = $1', [d.subscription_id]);
        return;
      }
      error = `HTTP ${status}`;
    } catch (e) {
      error = (e as Error).message;
    }
    const attempts = Number(d.attempts) + 1;
    if (attempts < this.settings.attempts) {
      const next = new Date(Date.now() + this.settings.backoffSeconds * 1000 * 2 ** (attempts - 1)).toISOString();
      await this.sql.query('UPDATE webhook_deliveries SET attempts = $2, last_status = $3, last_error = $4, next_attempt_at = $5 WHERE id = $1', [d.id, attempts, status, error, next]);
      return;
    }
    // Given up: the delivery, the subscription's count and, at the limit, its disabling, in one transaction.
    const disabled = await this.sql.transaction(async (tx) => {
      await tx.query(`UPDATE webhook_deliveries SET status = 'failed', attempts = $2, last_status = $3, last_error = $4 WHERE id = $1`, [d.id, attempts, status, error]);
      const [s] = await tx.query<{ failures_in_row: number; active: boolean }>(
        'UPDATE webhook_subscriptions SET failures_in_row = failures_in_row + 1 WHERE id = $1 RETURNING failures_in_row, active',
        [d.subscription_id],
      );
      if (!s || !s.active || Number(s.failures_in_row) < this.settings.disableAfter) return undefined;
      const reason = `${s.failures_in_row} deliveries in a row given up after ${this.settings.attempts} attempts each; last: ${error}`;
      await tx.query('UPDATE webhook_subscriptions SET active = FALSE, disabled_at = now(), disabled_reason = $2 WHERE id = $1', [d.subscription_id, reason]);
      return reason;
    });
    if (disabled) this.tell(d.org_id, { type: 'webhook.disabled', subscription: d.subscription_id, url: d.url, reason: disabled });
  }
}

/**
 * One POST, redirects not followed, to an address `targets` allows (checked on the address the
 * socket connects to: a connection of its own, never one kept alive from before); resolves to
 * the status once it has come, within `timeoutMs` in all.
 */
export function postWebhook(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, targets: WebhookTargets): Promise<number> {
  const refused = targets.literalRefusal(url);
  if (refused) return Promise.reject(new Error(`refused: ${refused}`));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // The whole exchange within timeoutMs (a receiver trickling bytes cannot hold the outbox up).
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, lookup: targets.lookup, agent: false }, (res) => {
      // The status is the answer; the body is not read (the connection is this delivery's own).
      clearTimeout(deadline);
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on('error', (e) => {
      clearTimeout(deadline);
      reject(e);
    });
    req.end(body);
  });
}
