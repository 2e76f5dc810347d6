// A device's key replaced while its gateway is streaming (the way to revoke a stolen or retired
// key: there is no "no key" state yet, see SECURITY.md): readings signed by the old key after the
// change are refused with SIGNATURE_INVALID, on the same open socket; readings by the new key are
// taken; what the old key signed before the change stays sealed and still verifies in the
// self-audit, which checks each reading against the key enrolled when it was sealed. Enrolments
// without proof of possession, or by another organisation, change nothing.
import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signReading, type Reading } from '../../devices/gateway/reading.js';
import { canonicalBytes, fromUtf8 } from '../../ledger/index.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';
import { expectLogVerifies, expectProblem, recorded } from './hostile-support.js';

const DEVICE = 'dev-hengkang-rfid';

async function newKey(): Promise<{ pub: JWK; priv: JWK; key: CryptoKey }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const { kty, crv, x } = await exportJWK(publicKey);
  return { pub: { kty, crv, x }, priv: await exportJWK(privateKey), key: privateKey as CryptoKey };
}

describe.each(DRIVERS)('device keys replaced mid-stream, on %s', (driver) => {
  let opened: TestApp;
  let producer: Client;
  let ws: WebSocket;
  const answers: Record<string, unknown>[] = [];
  let seq = 1;
  let tag = '';

  const enrol = (who: Client, pub: JWK, proofKey: CryptoKey) =>
    new CompactSign(canonicalBytes({ action: 'key.enrol', device: DEVICE })).setProtectedHeader({ alg: 'EdDSA' }).sign(proofKey).then((proof) => who.request('PUT', `/api/devices/${DEVICE}/key`, { jwk: pub, proof }));
  /** Send one tag read signed by `priv`, and wait for its answer. */
  const send = async (priv: JWK, n = seq++) => {
    const r: Reading = { v: 1, device: DEVICE, seq: n, at: new Date().toISOString(), kind: 'tag', data: { epc: tag } };
    const count = answers.length;
    ws.send(JSON.stringify({ reading: r, jws: await signReading(r, priv) }));
    for (const end = Date.now() + 20_000; answers.length === count && Date.now() < end; ) await new Promise((res) => setTimeout(res, 20));
    return answers[count];
  };
  const sightings = async () => {
    await opened.ctx.sequencer.idle();
    const rows = await opened.ctx.db.sql.query<{ body: Uint8Array }>(`SELECT body FROM ledger_entries WHERE type = 'unit.sighted' ORDER BY idx`);
    return rows.map((r) => JSON.parse(fromUtf8(r.body)) as { data: { seq: number }; sig: { jws: string }[] });
  };

  beforeAll(async () => {
    opened = await openTestApp(driver);
    await opened.app.listen({ port: 0, host: '127.0.0.1' });
    producer = await Client.as(opened.app, 'producer');
    tag = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 7_700_000 + (process.pid % 1000) });
    await producer.register({ epc: tag });
    ws = new WebSocket(`ws://127.0.0.1:${(opened.app.server.address() as { port: number }).port}/gateway`);
    ws.on('message', (m) => answers.push(JSON.parse(String(m))));
    await new Promise((r) => ws.once('open', r));
  });
  afterAll(async () => {
    ws?.close();
    await opened?.close();
  });

  it('refuses the old key\'s readings once the key is replaced, takes the new key\'s, and keeps what was sealed before', async () => {
    const first = await newKey();
    const second = await newKey();
    expect((await enrol(producer, first.pub, first.key)).statusCode).toBe(200);
    // The demo key it carried until now no longer signs for it.
    expect(await send(demoPrivateJwk(`device:${DEVICE}`))).toMatchObject({ status: 'refused', code: 'SIGNATURE_INVALID' });
    expect(await send(first.priv)).toMatchObject({ status: 'sealed', type: 'unit.sighted' });
    expect(await send(first.priv)).toMatchObject({ status: 'sealed', type: 'unit.sighted' });
    const before = await sightings();

    // Replaced while the socket stays open.
    expect((await enrol(producer, second.pub, second.key)).statusCode).toBe(200);
    const stolen = await send(first.priv);
    expect(stolen).toMatchObject({ status: 'refused', code: 'SIGNATURE_INVALID', detail: expect.stringContaining('not signed by its enrolled key') });
    expect(await send(first.priv, 1)).toMatchObject({ status: 'refused', code: 'SIGNATURE_INVALID' }); // an old reading replayed
    expect(await send(second.priv)).toMatchObject({ status: 'sealed', type: 'unit.sighted' });
    expect(ws.readyState).toBe(WebSocket.OPEN);

    const after = await sightings();
    expect(after.slice(0, before.length)).toEqual(before); // kept, byte for byte
    expect(after).toHaveLength(before.length + 1);
    const devices = (await producer.request('GET', '/api/devices')).json().devices as { id: string; readings: { refused: number }; lastRefusal: { detail: string } }[];
    expect(devices.find((d) => d.id === DEVICE)).toMatchObject({ readings: { refused: 3 }, lastRefusal: { detail: expect.stringMatching(/^SIGNATURE_INVALID/) } });
    await expectLogVerifies(opened.ctx); // each sighting against the key enrolled when it was sealed
  });

  it('changes nothing for an enrolment without proof of possession or by another organisation', async () => {
    const current = await newKey();
    expect((await enrol(producer, current.pub, current.key)).statusCode).toBe(200);
    const attacker = await newKey();
    const before = await recorded(opened.ctx);
    expect(expectProblem(await enrol(producer, attacker.pub, current.key), 'proof by another key')).toMatchObject({ status: 422, code: 'SIGNATURE_INVALID' });
    expect(expectProblem(await enrol(await Client.as(opened.app, 'producer2'), attacker.pub, attacker.key), 'another organisation').status).toBe(403);
    expect(expectProblem(await enrol(await Client.as(opened.app, 'driver'), attacker.pub, attacker.key), 'a driver of another organisation').status).toBe(403);
    expect(await recorded(opened.ctx)).toBe(before);
    expect(await send(attacker.priv)).toMatchObject({ status: 'refused', code: 'SIGNATURE_INVALID' });
    expect(await send(current.priv)).toMatchObject({ status: 'sealed' });
    await expectLogVerifies(opened.ctx);
  });
});
