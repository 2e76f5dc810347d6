// The units a manifest carries, for whoever may see the manifest. Drivers and operators see units
// only through the manifests they carry or receive (unitScope): this is that view, so that the
// receiver can match a scanned tag or QR to a drum and weigh it against its producer's weighing.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ALL_ROLES, guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { manifestForActor } from '../custody/manifest-store.js';
import { unitForActor } from '../custody/unit-store.js';
import { Id, problems, Strict, Unit } from './schemas.js';

export function manifestUnitRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext }): void {
  const { sql } = deps.custody;
  app.get('/api/manifests/:id/units', {
    onRequest: guard(deps.tokens, ALL_ROLES),
    schema: {
      security: [{ bearer: [] }],
      tags: ['manifests'],
      description: "The units the manifest carries (tags, producer's weights, state), for each party of the manifest and its regulator.",
      params: Type.Object({ id: Id }, Strict),
      response: { 200: Type.Object({ units: Type.Array(Unit) }, Strict), ...problems(401, 403, 404) },
    },
  }, async (req) => {
    const actor = req.actor!;
    const m = await manifestForActor(sql, actor, (req.params as { id: string }).id);
    // Seeing the manifest is what entitles the caller to its units: read them in the widest scope.
    const units = [];
    for (const id of m.unitIds) units.push(await unitForActor(sql, { ...actor, role: 'admin' }, id));
    return { units };
  });
}
