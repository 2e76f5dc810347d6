// RFC 9457 problem details. Every error leaves the server in this shape with a stable code;
// 5xx bodies say nothing about the inside.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EntryError } from '../ledger/entry.js';
import { SigningRefusedError } from '../ledger/store/sequencer.js';
import { DomainError } from './custody/errors.js';
import { AuthError } from './auth/tokens.js';
import { IdentifierError } from './units/identifiers/errors.js';

const TITLES: Record<number, string> = { 400: 'Bad request', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 422: 'Unprocessable step', 503: 'Not sealed yet' };

export const PROBLEM_TYPE = 'application/problem+json';

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }
}

export const badParameter = (detail: string) => new Problem(400, 'BAD_PARAMETER', 'Bad parameter', detail);

/** A plain GET on a websocket route (/live, /gateway): 426, saying how to connect. */
export function upgradeRequired(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('upgrade', 'websocket');
  return sendProblem(reply, new Problem(426, 'UPGRADE_REQUIRED', 'Upgrade required', `${req.url.split('?')[0]} is a websocket: connect with Upgrade: websocket`), req.url);
}
export const notFound = (detail: string) => new Problem(404, 'NOT_FOUND', 'Not found', detail);

export function sendProblem(reply: FastifyReply, p: Problem, instance?: string): FastifyReply {
  return reply
    .code(p.status)
    .type(PROBLEM_TYPE)
    .send({
      type: `/problems/${p.code.toLowerCase().replace(/_/g, '-')}`,
      title: p.title,
      status: p.status,
      code: p.code,
      ...(p.detail ? { detail: p.detail } : {}),
      ...(instance ? { instance } : {}),
    });
}

/**
 * Errors the router raises before any handler or hook runs (a path parameter over the length
 * limit, a malformed percent-encoding): Fastify's `frameworkErrors` option, so they are problems too.
 */
export function frameworkError(err: Error & { statusCode?: number; code?: string }, _req: unknown, reply: FastifyReply): FastifyReply {
  const status = err.statusCode ?? 400;
  const detail = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : err.code === 'FST_ERR_BAD_URL' ? 'the path is not a valid URL' : undefined;
  return sendProblem(reply, new Problem(status, err.code ?? 'BAD_REQUEST', 'Bad request', detail));
}

export function installProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => sendProblem(reply, notFound(`no route for ${req.method} ${req.url}`)));
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
    if (err instanceof Problem) return sendProblem(reply, err, req.url);
    if (err instanceof DomainError) {
      if (err.status === 503) reply.header('retry-after', '5');
      return sendProblem(reply, new Problem(err.status, err.code, TITLES[err.status] ?? 'Refused', err.message), req.url);
    }
    // A token or login found no longer good in the middle of a request (a login changed meanwhile).
    if (err instanceof AuthError) return sendProblem(reply, new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', err.message), req.url);
    if (err instanceof EntryError) return sendProblem(reply, new Problem(400, 'MALFORMED_ENTRY', 'Bad request', err.message), req.url);
    if (err instanceof IdentifierError) return sendProblem(reply, new Problem(422, err.code, 'Unprocessable step', err.message), req.url);
    if (err instanceof SigningRefusedError) {
      // The log refuses to sign (rolled back, or a witness holds more): the step, committed, waits
      // in the intake; the same event id asked again gets its index once the log seals.
      req.log.error({ err }, 'the log refuses to sign');
      return sendProblem(reply, new Problem(503, 'LEDGER_HALTED', 'The log is not sealing', `${err.message}; the step is taken and waits in the intake, unsealed: ask again with the same event id once the log seals`), req.url);
    }
    if (err.validation) return sendProblem(reply, new Problem(400, 'VALIDATION_FAILED', 'Invalid request', err.message), req.url);
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: bad JSON, wrong content type, body too large…
      return sendProblem(reply, new Problem(status, err.code ?? 'BAD_REQUEST', 'Bad request', err.message), req.url);
    }
    req.log.error({ err }, 'request failed');
    return sendProblem(reply, new Problem(500, 'INTERNAL', 'Internal error', 'the server could not complete the request'), req.url);
  });
}
