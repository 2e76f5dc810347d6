// The public side: a drum's QR (GS1 Digital Link, AI 8003) resolves here for anyone, showing
// that the drum is tracked, without what only its custodians and the regulator may see.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { CustodyContext } from '../custody/context.js';
import { parseDigitalLinkPath } from '../units/identifiers/digital-link.js';
import { IdentifierError } from '../units/identifiers/errors.js';
import { badParameter, notFound } from '../problem.js';
import { problems, Strict } from './schemas.js';

const PublicUnit = Type.Object(
  {
    tracked: Type.Literal(true),
    grai: Type.String(),
    wasteCategory: Type.String(),
    wasteCode: Type.String(),
    state: Type.String(),
    producer: Type.String(),
    registeredAt: Type.String(),
    entries: Type.Integer(),
  },
  Strict,
);

export function publicRoutes(app: FastifyInstance, deps: { custody: CustodyContext }): void {
  app.get('/8003/:grai', {
    schema: { tags: ['public'], params: Type.Object({ grai: Type.String({ maxLength: 100 }) }, Strict), response: { 200: PublicUnit, ...problems(400, 404) } },
  }, async (req) => {
    let grai: string;
    try {
      grai = parseDigitalLinkPath(`/8003/${(req.params as { grai: string }).grai}`).grai;
    } catch (e) {
      if (e instanceof IdentifierError) throw badParameter(e.message);
      throw e;
    }
    const [u] = await deps.custody.sql.query<Record<string, unknown>>(
      `SELECT u.grai, u.waste_category, u.waste_code, u.state, o.name AS producer, u.registered_at, u.entries
         FROM units u JOIN organisations o ON o.id = u.producer_org_id
        WHERE u.grai = $1 ORDER BY u.registered_at DESC LIMIT 1`,
      [grai],
    );
    if (!u) throw notFound(`no drum ${grai} is tracked here`);
    return {
      tracked: true as const,
      grai,
      wasteCategory: u.waste_category as string,
      wasteCode: u.waste_code as string,
      state: u.state as string,
      producer: u.producer as string,
      registeredAt: new Date(u.registered_at as string).toISOString(),
      entries: Number(u.entries),
    };
  });
}
