// The log side of witnessing, on a real sealed log (both drivers) and real witnesses over HTTP:
// every new checkpoint goes to each witness with a consistency proof, the cosignatures are kept
// and served, a witness's 409 is followed, an outage never holds up sealing, a split view is a
// WitnessConflictError.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519NoteSigner, encodeVkey, randomSeed, signCheckpoint } from '../../ledger/index.js';
import { initLog, Sequencer } from '../../ledger/store/sequencer.js';
import { LedgerReader } from '../../ledger/store/reader.js';
import { encodeAddCheckpoint } from '../../ledger/witness-protocol.js';
import { verifyCosignedCheckpoint, witnessPolicy } from '../../ledger/witness-policy.js';
import type { Database } from '../../server/db/open.js';
import { installProblemHandlers } from '../../server/problem.js';
import { cosignedRoutes } from '../../server/routes/cosigned.js';
import { WitnessConflictError, WitnessUnavailableError, type WitnessError } from '../../server/witness-client/errors.js';
import { Witnessing, type WitnessingOptions } from '../../server/witness-client/witnessing.js';
import { ChainedEntries } from '../helpers/entries.js';
import { DRIVERS, testPlace, type TestPlace } from '../helpers/databases.js';
import { startWitness, waitFor, type RunningWitness } from '../helpers/witness.js';

const ORIGIN = 'cosigned.hazledger.example/log';

describe.each(DRIVERS)('witnessing on %s', (driver) => {
  let place: TestPlace;
  let db: Database;
  let reader: LedgerReader;
  let app: FastifyInstance;
  const signer = ed25519NoteSigner(ORIGIN, randomSeed());
  const logVkey = encodeVkey(signer.name, signer.publicKey);
  const entries = new ChainedEntries(10);
  const witnesses: RunningWitness[] = [];
  const loops: Witnessing[] = [];
  let sequencer: Sequencer;

  const witnessing = (opts: Partial<WitnessingOptions> & Pick<WitnessingOptions, 'witnesses'>) => {
    const w = new Witnessing({ sql: db.sql, backoff: { firstMs: 20, maxMs: 200 }, timeoutMs: 5_000, onError: () => {}, ...opts });
    loops.push(w);
    w.start();
    return w;
  };
  const seal = async (n: number) => {
    await Promise.all(entries.take(n).map((e) => sequencer.append(e)));
    return (await reader.head()).size;
  };
  const cosignedAt = (w: Witnessing, size: number, count: number) => async () => ((await w.store.cosigned({ size, min: count })) ? true : undefined);

  beforeAll(async () => {
    place = await testPlace(driver);
    db = await place.open();
    await initLog(db.sql, signer);
    reader = new LedgerReader(db.sql);
    sequencer = new Sequencer(db.sql, signer, { onSealed: () => loops.forEach((l) => l.notify()) });
    app = Fastify();
    installProblemHandlers(app);
    cosignedRoutes(app, { sql: db.sql });
    await app.ready();
    for (const name of ['witness.one/w', 'witness.two/w']) witnesses.push(await startWitness(name, logVkey));
  });
  afterAll(async () => {
    for (const l of loops) await l.stop();
    await sequencer?.close();
    await app?.close();
    for (const w of witnesses) await w.close();
    await db?.close();
    await place?.dispose();
  });

  it('has each new checkpoint cosigned by both witnesses and serves it, verifying under 2-of-2', async () => {
    expect((await app.inject('/ledger/checkpoint/cosigned')).statusCode).toBe(404);
    const cosigned: [string, number][] = [];
    const w = witnessing({ witnesses: witnesses.map(({ url, vkey }) => ({ url, vkey })), onCosigned: (name, size) => cosigned.push([name, size]) });
    const policy = witnessPolicy({ log: logVkey, witnesses: witnesses.map((x) => x.vkey), quorum: 2 });
    for (const n of [3, 40, 1, 257]) {
      const size = await seal(n);
      await waitFor(`both cosignatures at ${size}`, cosignedAt(w, size, 2));
      const res = await app.inject('/ledger/checkpoint/cosigned?witnesses=2');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const verdict = verifyCosignedCheckpoint(res.body, policy);
      expect(verdict, verdict.detail).toMatchObject({ ok: true, checkpoint: { size } });
      expect(res.body.startsWith((await reader.checkpointAt(size))!)).toBe(true);
    }
    // Successive checkpoints, each witness moving forward with consistency proofs.
    for (const name of ['witness.one/w', 'witness.two/w']) {
      const sizes = cosigned.filter(([n]) => n === name).map(([, s]) => s);
      expect(sizes.length).toBeGreaterThanOrEqual(4);
      expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
    }
    await w.stop();
  });

  it('follows a 409: a witness that already holds an older checkpoint is answered with a proof from its size', async () => {
    const third = await startWitness('witness.three/w', logVkey);
    witnesses.push(third);
    // Out of band, the witness was shown an older checkpoint of this log.
    const [early] = await db.sql.query<{ note: string }>('SELECT note FROM ledger_checkpoints WHERE size > 0 ORDER BY size LIMIT 1 OFFSET 1');
    await fetch(`${third.url}/add-checkpoint`, { method: 'POST', body: encodeAddCheckpoint({ oldSize: 0, proof: [], checkpoint: early.note }) });
    const statuses: number[] = [];
    const spy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    };
    const w = witnessing({ witnesses: [{ url: third.url, vkey: third.vkey }], fetch: spy });
    const size = await seal(5);
    await waitFor('the third witness', cosignedAt(w, size, 1));
    expect(statuses.slice(0, 2)).toEqual([409, 200]);
    await w.stop();
  });

  it('keeps sealing while a witness is unreachable, reports it, and catches up after the outage', async () => {
    const errors: WitnessError[] = [];
    let down = true;
    const flaky: typeof fetch = async (input, init) => {
      if (down) throw new TypeError('fetch failed: connect ECONNREFUSED');
      return fetch(input, init);
    };
    const w = witnessing({ witnesses: [{ url: witnesses[0].url, vkey: witnesses[0].vkey }], fetch: flaky, onError: (e) => errors.push(e) });
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) sizes.push(await seal(7)); // every append resolves: the sequencer does not wait
    await waitFor('a reported failure', async () => errors.length >= 2);
    expect(errors.every((e) => e instanceof WitnessUnavailableError)).toBe(true);
    expect(await w.store.cosigned({ size: sizes[4] })).toBeUndefined();
    down = false;
    await waitFor('the catch-up', cosignedAt(w, sizes[4], 1));
    await w.stop();
  });

  it('reports a split view as a WitnessConflictError, and sealing goes on', async () => {
    const fourth = await startWitness('witness.four/w', logVkey);
    witnesses.push(fourth);
    const head = await reader.head();
    // The log key signed another tree of the same size, and this witness saw it first.
    const fork = signCheckpoint({ origin: ORIGIN, size: head.size, root: new Uint8Array(32).fill(7) }, signer);
    expect((await fetch(`${fourth.url}/add-checkpoint`, { method: 'POST', body: encodeAddCheckpoint({ oldSize: 0, proof: [], checkpoint: fork }) })).status).toBe(200);
    const errors: WitnessError[] = [];
    const w = witnessing({ witnesses: [{ url: fourth.url, vkey: fourth.vkey }], onError: (e) => errors.push(e) });
    const conflict = await waitFor('the conflict', async () => errors.find((e) => e instanceof WitnessConflictError) as WitnessConflictError | undefined);
    expect(conflict).toMatchObject({ kind: 'same-size-other-root', size: head.size, witnessSize: head.size, status: 409 });
    expect(conflict.checkpoint).toBe(head.checkpoint);
    // The log grows; the witness, holding the fork, cannot accept its consistency proof.
    const size = await seal(3);
    await w.stop();
    const w2 = witnessing({ witnesses: [{ url: fourth.url, vkey: fourth.vkey }], onError: (e) => errors.push(e) });
    const inconsistent = await waitFor('the 422', async () => errors.find((e) => e instanceof WitnessConflictError && e.kind === 'inconsistent'));
    expect(inconsistent).toMatchObject({ status: 422, size });
    expect(await w2.store.cosigned({ size, min: 1 })).toBeUndefined();
    await w2.stop();
  });
});
