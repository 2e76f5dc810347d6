// Text no step can keep, refused at the door: a NUL (PostgreSQL's text cannot hold one) or a lone
// surrogate (no UTF-8 encodes it, and RFC 8785 refuses it) anywhere in a request's body, query or
// path parameters. Left to the database or the canonical JSON of an entry, either became a 500.
import type { FastifyInstance } from 'fastify';
import { Problem } from './problem.js';

type WellFormed = { isWellFormed(): boolean }; // ES2024, in Node 20's V8; not yet in TypeScript's lib
const unstorable = (s: string) => s.includes('\u0000') || !(s as unknown as WellFormed).isWellFormed();

/** Where in `value` (a parsed body, query or params) the first such text is, or undefined. */
export function unstorableText(value: unknown, root: string): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, where] = stack.pop()!;
    if (typeof v === 'string') {
      if (unstorable(v)) return where;
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const at = Array.isArray(v) ? `${where}[${k}]` : `${where}.${k}`;
        if (unstorable(k)) return at;
        stack.push([child, at]);
      }
    }
  }
  return undefined;
}

/**
 * Every JSON or text body; the query and path parameters of the routes that declare them (a route
 * that parses its own, such as the ledger's numbers, refuses such text itself; /docs ignores it).
 */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const schema = req.routeOptions.schema;
    const where =
      (schema?.params ? unstorableText(req.params, 'params') : undefined) ??
      (schema?.querystring ? unstorableText(req.query, 'query') : undefined) ??
      unstorableText(req.body, 'body');
    if (where) throw new Problem(400, 'VALIDATION_FAILED', 'Invalid request', `${where}: text must not hold a NUL character or a lone surrogate`);
  });
}
