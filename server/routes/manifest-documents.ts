// Documents made from the sealed record: the transfer manifest as a printable PDF, and GS1 EPCIS
// 2.0 JSON-LD of a manifest's or a unit's steps. Same roles and scope as the manifest and unit
// they come from (GET /api/manifests/{id}, GET /api/units/{id}).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ALL_ROLES, guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { CustodyContext } from '../custody/context.js';
import { manifestForActor } from '../custody/manifest-store.js';
import { unitForActor } from '../custody/unit-store.js';
import { EPCIS_MEDIA_TYPE, manifestEpcis, unitEpcis } from '../documents/epcis.js';
import { manifestPdf } from '../documents/manifest-pdf.js';
import { manifestView } from '../documents/manifest-view.js';
import { Id, problems, Strict } from './schemas.js';

export function manifestDocumentRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext }): void {
  const { custody } = deps;
  const manifestReaders = guard(deps.tokens, ALL_ROLES);
  const unitReaders = guard(deps.tokens, ['producer', 'driver', 'operator', 'inspector', 'admin']);
  const Params = Type.Object({ id: Id }, Strict);
  const id = (req: { params: unknown }) => (req.params as { id: string }).id;

  app.get('/api/manifests/:id/manifest.pdf', {
    onRequest: manifestReaders,
    schema: {
      security: [{ bearer: [] }],
      tags: ['manifests'],
      description: 'The manifest as a printable A4 PDF: parties, transport legs and vehicles, units with the producer\'s and receiver\'s weights, every step with its signer, signature and ledger index, and a QR to its evidence bundle.',
      params: Params,
      response: problems(401, 403, 404),
    },
  }, async (req, reply) => {
    const m = await manifestForActor(custody.sql, req.actor!, id(req));
    const pdf = await manifestPdf(await manifestView(custody.sql, m, custody.publicUrl));
    return reply.type('application/pdf').header('content-disposition', `inline; filename="manifest-${m.number}.pdf"`).send(pdf);
  });

  app.get('/api/manifests/:id/epcis', {
    onRequest: manifestReaders,
    schema: {
      security: [{ bearer: [] }],
      tags: ['manifests'],
      description: 'GS1 EPCIS 2.0 JSON-LD (EPCISDocument) of the manifest\'s sealed steps: one event per ledger entry, with its index and leaf hash as `hz:` extension fields.',
      params: Params,
      response: problems(401, 403, 404),
    },
  }, async (req, reply) => {
    const m = await manifestForActor(custody.sql, req.actor!, id(req));
    return reply.type(EPCIS_MEDIA_TYPE).header('content-disposition', `inline; filename="manifest-${m.number}.epcis.jsonld"`).send(await manifestEpcis(custody.sql, m));
  });

  app.get('/api/units/:id/epcis', {
    onRequest: unitReaders,
    schema: {
      security: [{ bearer: [] }],
      tags: ['units'],
      description: 'GS1 EPCIS 2.0 JSON-LD (EPCISDocument) of every sealed step of the unit, its drum\'s GRAI as the EPC once tagged.',
      params: Params,
      response: problems(401, 403, 404),
    },
  }, async (req, reply) => {
    const u = await unitForActor(custody.sql, req.actor!, id(req));
    return reply.type(EPCIS_MEDIA_TYPE).header('content-disposition', `inline; filename="unit-${u.id}.epcis.jsonld"`).send(await unitEpcis(custody.sql, u));
  });
}
