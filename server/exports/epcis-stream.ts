// A producer's EPCIS 2.0 JSON-LD for a period, streamed: one EPCISDocument whose eventList is
// written unit by unit (each unit's events in log order, made by the manifest/unit export in
// server/documents/epcis.ts), so only one unit's chain is in memory at a time. Only events that
// happened in the period and were sealed before the export started are written.
import type { Sql } from '../../ledger/store/sql.js';
import type { UnitRow } from '../custody/unit-projection.js';
import { unitEpcis } from '../documents/epcis.js';
import { EPCIS_CONTEXT, urn } from '../documents/epcis-vocabulary.js';
import { logSize } from './management-ledger.js';
import type { Period } from './period.js';

export type OnUnits = (done: number, total: number, events: number) => void;

const IN_PERIOD = `EXISTS (SELECT 1 FROM ledger_entries e WHERE e.unit_id = u.id AND e.idx < $2
  AND (convert_from(e.body, 'UTF8')::jsonb ->> 'at')::timestamptz >= $3::timestamptz
  AND (convert_from(e.body, 'UTF8')::jsonb ->> 'at')::timestamptz < $4::timestamptz)`;

export async function* epcisChunks(sql: Sql, q: { orgId: string; period: Period; window?: number; onProgress?: OnUnits }): AsyncGenerator<string> {
  const bound = await logSize(sql);
  const { start, end } = q.period;
  const [{ n }] = await sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM units u WHERE producer_org_id = $1 AND ${IN_PERIOD}`, [q.orgId, bound, start, end]);
  const total = Number(n);
  const head = { '@context': EPCIS_CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: new Date().toISOString(), 'hz:subject': urn.org(q.orgId) };
  yield `${JSON.stringify(head).slice(0, -1)},"epcisBody":{"eventList":[`;
  let done = 0;
  let events = 0;
  for (let after = ''; ; ) {
    const ids = await sql.query<{ id: string }>(
      `SELECT id FROM units u WHERE producer_org_id = $1 AND id > $5 AND ${IN_PERIOD} ORDER BY id LIMIT $6`,
      [q.orgId, bound, start, end, after, q.window ?? 200],
    );
    if (ids.length === 0) break;
    let chunk = '';
    for (const { id } of ids) {
      // unitEpcis reads the unit's chain by its id alone.
      const doc = (await unitEpcis(sql, { id } as UnitRow)) as { epcisBody: { eventList: Record<string, unknown>[] } };
      for (const ev of doc.epcisBody.eventList) {
        const at = Date.parse(ev.eventTime as string);
        if ((ev['hz:ledgerIndex'] as number) >= bound || at < Date.parse(start) || at >= Date.parse(end)) continue;
        chunk += (events++ === 0 ? '' : ',') + JSON.stringify(ev);
      }
      done++;
    }
    after = ids[ids.length - 1].id;
    q.onProgress?.(done, total, events);
    yield chunk;
  }
  yield ']}}\n';
}
