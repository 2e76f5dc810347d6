// Webhook subscriptions of the caller's organisation: findings pushed to a URL, signed, retried;
// the delivery state of each.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ALL_ROLES, guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { deliveries, setActive, subscribe, subscriptionOf, subscriptions, unsubscribe } from '../alerts/subscriptions.js';
import type { WebhookTargets } from '../alerts/webhook-targets.js';
import { problems, Strict } from './schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
const Subscription = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  url: Type.String(),
  active: Type.Boolean(),
  createdAt: Type.String(),
  failuresInRow: Type.Integer(),
  disabledAt: Nullable(Type.String()),
  disabledReason: Nullable(Type.String()),
  deliveries: Type.Object({ pending: Type.Integer(), delivered: Type.Integer(), failed: Type.Integer() }, Strict),
}, Strict);
const Delivery = Type.Object({
  id: Type.Integer(), findingId: Type.String(), status: Type.String(), attempts: Type.Integer(), nextAttemptAt: Type.String(),
  lastStatus: Nullable(Type.Integer()), lastError: Nullable(Type.String()), deliveredAt: Nullable(Type.String()), createdAt: Type.String(),
}, Strict);
const Params = Type.Object({ id: Type.String({ pattern: '^wh-[0-9a-f-]{36}$' }) }, Strict);

export function webhookRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext; targets: WebhookTargets }): void {
  const anyone = guard(deps.tokens, ALL_ROLES);
  const sql = deps.custody.sql;
  const secured = { security: [{ bearer: [] }], tags: ['webhooks'] };
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;

  app.post('/api/webhooks', {
    onRequest: anyone,
    schema: {
      ...secured,
      description:
        "Subscribe your organisation to its findings. The URL must reach public addresses only (loopback, private and reserved ones are refused unless the server allows their network: HAZLEDGER_WEBHOOK_ALLOW).  Each is POSTed as JSON with `x-hazledger-signature: t=<unix s>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" keyed by the secret>`; " +
        'failed deliveries are retried with exponential backoff; a subscription failing repeatedly is disabled and you are told on /live. The secret is shown only in this answer.',
      body: Type.Object({ url: Type.String({ minLength: 8, maxLength: 2000 }) }, Strict),
      response: { 201: Type.Object({ subscription: Subscription, secret: Type.String() }, Strict), ...problems(400, 401) },
    },
  }, async (req, reply) => {
    const { id: created, secret } = await subscribe(sql, req.actor!, (req.body as { url: string }).url, deps.targets);
    return reply.code(201).send({ subscription: await subscriptionOf(sql, req.actor!, created), secret });
  });

  app.get('/api/webhooks', {
    onRequest: anyone,
    schema: { ...secured, description: "Your organisation's subscriptions and their deliveries.", response: { 200: Type.Object({ subscriptions: Type.Array(Subscription) }, Strict), ...problems(401) } },
  }, async (req) => ({ subscriptions: await subscriptions(sql, req.actor!) }));

  app.get('/api/webhooks/:id/deliveries', {
    onRequest: anyone,
    schema: {
      ...secured,
      params: Params,
      querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])) }, Strict),
      response: { 200: Type.Object({ deliveries: Type.Array(Delivery) }, Strict), ...problems(400, 401, 404) },
    },
  }, async (req) => ({ deliveries: await deliveries(sql, req.actor!, id(req), (req.query as { status?: string }).status) }));

  app.put('/api/webhooks/:id/active', {
    onRequest: anyone,
    schema: { ...secured, description: 'Switch a subscription on (again) or off.', params: Params, body: Type.Object({ active: Type.Boolean() }, Strict), response: { 200: Subscription, ...problems(400, 401, 404) } },
  }, async (req) => setActive(sql, req.actor!, id(req), (req.body as { active: boolean }).active));

  app.delete('/api/webhooks/:id', {
    onRequest: anyone,
    schema: { ...secured, params: Params, response: { 204: Type.Null(), ...problems(400, 401, 404) } },
  }, async (req, reply) => {
    await unsubscribe(sql, req.actor!, id(req));
    return reply.code(204).send();
  });
}
