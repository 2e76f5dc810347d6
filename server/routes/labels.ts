// HJ 1276 labels for units: SVG on screen, PDF sheets to print at true size.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { guard } from '../auth/guard.js';
import type { Tokens } from '../auth/tokens.js';
import type { Actor, CustodyContext } from '../custody/context.js';
import { DomainError } from '../custody/errors.js';
import { unitForActor } from '../custody/unit-store.js';
import { labelsPdf, labelSvg, type Hazard, type LabelData } from '../labels/index.js';
import { graiDigitalLink } from '../units/identifiers/digital-link.js';
import { Id, problems, Strict } from './schemas.js';

async function labelData(custody: CustodyContext, actor: Actor, id: string): Promise<LabelData> {
  const u = await unitForActor(custody.sql, actor, id);
  if (!u.grai) throw new DomainError('TRANSITION_REFUSED', `unit ${id} has no tag yet: bind the drum's tag first, its GRAI goes in the label's QR`);
  const [org] = await custody.sql.query<{ name: string; record: { contact?: { person?: string; phone?: string } } }>('SELECT name, record FROM organisations WHERE id = $1', [u.producerOrgId]);
  const contact = org?.record.contact;
  return {
    wasteName: u.name,
    wasteCode: u.wasteCode,
    wasteCategory: u.wasteCategory,
    hazards: u.hazards as Hazard[],
    physicalForm: u.physicalForm,
    components: u.components,
    producerName: org?.name ?? u.producerOrgId,
    producerContact: [contact?.person, contact?.phone].filter(Boolean).join(' '),
    generationDate: u.generationDate,
    identificationCode: u.hjCode,
    qrUrl: graiDigitalLink(custody.publicUrl, u.grai),
    containerVolumeL: u.volumeL,
  };
}

export function labelRoutes(app: FastifyInstance, deps: { tokens: Tokens; custody: CustodyContext }): void {
  const readers = guard(deps.tokens, ['producer', 'inspector', 'admin']);
  const secured = { security: [{ bearer: [] }], tags: ['labels'] };

  app.get('/api/units/:id/label.svg', {
    onRequest: readers,
    schema: { ...secured, params: Type.Object({ id: Id }, Strict), response: problems(401, 403, 404, 409) },
  }, async (req, reply) => {
    const svg = await labelSvg(await labelData(deps.custody, req.actor!, (req.params as { id: string }).id));
    return reply.type('image/svg+xml; charset=utf-8').send(svg);
  });

  app.get('/api/labels.pdf', {
    onRequest: readers,
    schema: {
      ...secured,
      description: 'A printable sheet: the labels of the given units (comma-separated ids), at true size on A4.',
      querystring: Type.Object({ units: Type.String({ pattern: '^[A-Za-z0-9._:-]+(,[A-Za-z0-9._:-]+){0,199}$' }) }, Strict),
      response: problems(400, 401, 403, 404, 409),
    },
  }, async (req, reply) => {
    const ids = (req.query as { units: string }).units.split(',');
    const labels = [];
    for (const id of ids) labels.push(await labelData(deps.custody, req.actor!, id));
    const pdf = await labelsPdf(labels);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="labels-${ids.length}.pdf"`).send(pdf);
  });
}
