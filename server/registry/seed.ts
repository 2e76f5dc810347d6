// On an empty log, seal the pilot park's registry as `registry.changed` entries through the
// intake, so a newcomer's first start already shows a verifiable log.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeEntry, leafHash, type Envelope } from '../../ledger/index.js';
import type { Sql } from '../../ledger/store/sql.js';
import { hashPassword } from '../auth/passwords.js';
import { applyRegistryEntry } from '../custody/registry-projection.js';
import { DEMO_PEOPLE, demoPublicJwk } from './demo-people.js';
import { validatePilotPark, type PilotPark, type WasteCodeList } from './validate.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

export function loadPilotPark(): { park: PilotPark; wasteCodes: WasteCodeList } {
  const park = JSON.parse(readFileSync(fixture('pilot-park.json'), 'utf8')) as PilotPark;
  const wasteCodes = JSON.parse(readFileSync(fixture('waste-codes/2025.json'), 'utf8')) as WasteCodeList;
  const problems = validatePilotPark(park, wasteCodes);
  if (problems.length > 0) throw new Error(`fixtures/pilot-park.json is invalid:\n- ${problems.join('\n- ')}`);
  return { park, wasteCodes };
}

/** The registry as ledger entries, in a stable order: organisations, vehicles, devices, licences. */
export function registryEnvelopes(park: PilotPark, at: string): Envelope[] {
  const authority = park.organisations.find((o) => o.kind === 'authority');
  const by = { role: 'system', ...(authority ? { org: authority.id } : {}) };
  const change = (kind: string, id: string, record: object): Envelope => ({
    v: 1,
    type: 'registry.changed',
    at,
    by,
    data: { action: 'upsert', kind, id, record, source: `fixtures/pilot-park.json@${park.version}` },
  });
  return [
    change('park', park.park.id, park.park),
    // Every organisation of the park lies in the park's administrative division.
    ...park.organisations.map((o) => change('organisation', o.id, { ...o, region: park.park.adminCode })),
    ...park.vehicles.map((v) => change('vehicle', v.plate, v)),
    // Demo devices carry keys derived like the demo people's (`device:<id>`), for the demo gateway.
    ...park.devices.map((d) => change('device', d.id, { ...d, publicJwk: demoPublicJwk(`device:${d.id}`) })),
    ...park.licences.map((l) => change('licence', l.id, l)),
    ...DEMO_PEOPLE.map((p) => change('person', p.id, { id: p.id, orgId: p.orgId, role: p.role, name: p.name, publicJwk: demoPublicJwk(p.id) })),
  ];
}

/**
 * Put the registry into intake if the log and the intake are both empty. The head row lock
 * makes this safe when two processes start on one database at once. Returns how many were queued.
 */
export async function seedRegistry(sql: Sql, now = new Date()): Promise<number> {
  const { park } = loadPilotPark();
  return sql.transaction(async (tx) => {
    const [head] = await tx.query('SELECT size FROM ledger_head WHERE id = 0 FOR UPDATE');
    const [{ n }] = await tx.query<{ n: unknown }>('SELECT count(*) AS n FROM ledger_intake');
    if (Number(head.size) > 0 || Number(n) > 0) return 0;
    const envelopes = registryEnvelopes(park, now.toISOString());
    for (const env of envelopes) {
      const e = encodeEntry(env);
      await applyRegistryEntry(tx, env);
      await tx.query(
        'INSERT INTO ledger_intake (body, leaf_hash, type, unit_id, manifest_id) VALUES ($1, $2, $3, $4, $5)',
        [e.body, leafHash(e.body), e.type, e.unitId, e.manifestId],
      );
    }
    for (const p of DEMO_PEOPLE) {
      await tx.query('INSERT INTO credentials (person_id, username, password_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        p.id,
        p.username,
        await hashPassword(p.password),
      ]);
    }
    return envelopes.length;
  });
}
