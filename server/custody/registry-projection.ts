// How `registry.changed` entries become the registry tables of the read side.
import type { Envelope } from '../../ledger/index.js';
import type { Sql } from '../../ledger/store/sql.js';

type Rec = Record<string, unknown>;

export async function applyRegistryEntry(tx: Sql, e: Envelope): Promise<void> {
  const { kind, record } = e.data as { kind: string; record: Rec };
  const json = JSON.stringify(record);
  switch (kind) {
    case 'park':
      return;
    case 'organisation': {
      await tx.query(
        `INSERT INTO organisations (id, uscc, name, kind, region, record) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET uscc = EXCLUDED.uscc, name = EXCLUDED.name, kind = EXCLUDED.kind, region = EXCLUDED.region, record = EXCLUDED.record`,
        [record.id, record.uscc, record.name, record.kind, record.region, json],
      );
      for (const site of (record.sites ?? []) as Rec[]) {
        await tx.query(
          `INSERT INTO sites (id, org_id, kind, name) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id, kind = EXCLUDED.kind, name = EXCLUDED.name`,
          [site.id, record.id, site.kind, site.name],
        );
      }
      return;
    }
    case 'vehicle':
      await tx.query(
        'INSERT INTO vehicles (plate, org_id, record) VALUES ($1, $2, $3) ON CONFLICT (plate) DO UPDATE SET org_id = EXCLUDED.org_id, record = EXCLUDED.record',
        [record.plate, record.orgId, json],
      );
      return;
    case 'device':
      await tx.query(
        `INSERT INTO devices (id, org_id, site_id, kind, public_jwk, record) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id, site_id = EXCLUDED.site_id, kind = EXCLUDED.kind, public_jwk = EXCLUDED.public_jwk, record = EXCLUDED.record`,
        [record.id, record.orgId, record.siteId ?? null, record.kind, record.publicJwk ? JSON.stringify(record.publicJwk) : null, json],
      );
      return;
    case 'licence':
      await tx.query('INSERT INTO licences (id, org_id, record) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id, record = EXCLUDED.record', [
        record.id,
        record.orgId,
        json,
      ]);
      return;
    case 'person':
      await tx.query(
        `INSERT INTO people (id, org_id, role, name, public_jwk) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id, role = EXCLUDED.role, name = EXCLUDED.name, public_jwk = EXCLUDED.public_jwk`,
        [record.id, record.orgId, record.role, record.name, record.publicJwk ? JSON.stringify(record.publicJwk) : null],
      );
      return;
    default:
      throw new Error(`unknown registry kind ${kind}`);
  }
}
