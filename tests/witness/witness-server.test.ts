// `hazledger witness`: add-checkpoint per C2SP tlog-witness, against a log kept in memory.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consistencyProof, ed25519NoteSigner, encodeVkey, leafHash, MemoryTree, parseVkey, randomSeed, signCheckpoint, signNote, checkpointText, toBase64, utf8,
  type Bytes,
} from '../../ledger/index.js';
import { encodeCosignerVkey, openCosignatures, parseCosignerVkey } from '../../ledger/cosignature.js';
import { appendSignatureLines, encodeAddCheckpoint, TLOG_SIZE_CONTENT_TYPE } from '../../ledger/witness-protocol.js';
import { buildWitnessApp } from '../../server/witness/app.js';
import { openWitness } from '../../server/witness/main.js';
import { loadWitnessConfig } from '../../server/config.js';

const ORIGIN = 'witnessed.hazledger.example/log';
const log = ed25519NoteSigner(ORIGIN, randomSeed());

/** A log in memory: its tree and the checkpoint it signs at any size. */
class TestLog {
  readonly tree = new MemoryTree();
  constructor(private readonly salt = 'a') {}
  grow(to: number) {
    while (this.tree.size < to) this.tree.append(leafHash(utf8(`${this.salt}${this.tree.size}`)));
    return this;
  }
  checkpoint(signer = log) {
    return signCheckpoint({ origin: ORIGIN, size: this.tree.size, root: this.tree.root() }, signer);
  }
  async request(old: number, opts: { proof?: Bytes[]; signer?: typeof log } = {}) {
    const proof = opts.proof ?? (old === 0 ? [] : await consistencyProof(old, this.tree.size, this.tree));
    return encodeAddCheckpoint({ oldSize: old, proof, checkpoint: this.checkpoint(opts.signer) });
  }
}

describe('witness add-checkpoint', () => {
  let dir: string;
  let app: FastifyInstance;
  let opened: Awaited<ReturnType<typeof openWitness>>;
  const config = () =>
    loadWitnessConfig({ HAZLEDGER_WITNESS_DIR: dir, HAZLEDGER_WITNESS_NAME: 'witness.test/w1', HAZLEDGER_WITNESS_LOGS: `${ORIGIN}=${encodeVkey(log.name, log.publicKey)}` });
  const post = (payload: string | Buffer, contentType = 'text/plain') =>
    app.inject({ method: 'POST', url: '/add-checkpoint', payload, headers: { 'content-type': contentType } });
  const held = () => opened.state.latest(ORIGIN);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hz-witness-'));
    opened = await openWitness(config());
    app = await buildWitnessApp(opened.witness);
  });
  afterAll(async () => {
    await app?.close();
    opened?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  const main = new TestLog();

  it('cosigns successive checkpoints of a growing log, each cosignature valid, state persisted before the answer', async () => {
    const witnessKey = parseCosignerVkey(opened.key.vkey);
    expect(opened.key.vkey).toBe(encodeCosignerVkey('witness.test/w1', opened.key.cosigner.publicKey));
    let old = 0;
    for (const size of [5, 9, 9, 16, 17, 300]) {
      main.grow(size);
      const res = await post(await main.request(old));
      expect(res.statusCode, res.body).toBe(200);
      const note = appendSignatureLines(main.checkpoint(), [res.body]);
      const [c] = openCosignatures(note, [witnessKey]).cosignatures;
      expect(c.name).toBe('witness.test/w1');
      expect(Math.abs(c.timestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(held()?.size).toBe(size);
      const files = readdirSync(join(dir, 'logs'));
      expect(files).toHaveLength(1); // no temporary file left behind
      expect(readFileSync(join(dir, 'logs', files[0]), 'utf8')).toBe(main.checkpoint());
      old = size;
    }
  });

  it('answers 409 with its size (text/x.tlog.size) when old is not what it holds, then accepts the retry', async () => {
    main.grow(320);
    for (const old of [0, 17, 301]) {
      const res = await post(await main.request(Math.min(old, 320)));
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toBe(TLOG_SIZE_CONTENT_TYPE);
      expect(res.body).toBe('300\n');
    }
    const retry = await post(await main.request(300));
    expect(retry.statusCode).toBe(200);
    expect(held()?.size).toBe(320);
  });

  it('refuses a split view: another checkpoint of the same size signed by the log key; keeps the first, also after a restart', async () => {
    const fork = new TestLog('b').grow(320);
    const res = await post(await fork.request(320));
    expect(res.statusCode).toBe(409);
    expect(res.body).toBe('320\n');
    expect(toBase64(held()!.root)).toBe(toBase64(main.tree.root()));
    const evidence = readdirSync(join(dir, 'evidence'));
    expect(evidence).toHaveLength(1);
    expect(readFileSync(join(dir, 'evidence', evidence[0]), 'utf8')).toContain(fork.checkpoint());
    // The honest checkpoint of that size is still accepted (and cosigned again).
    expect((await post(await main.request(320))).statusCode).toBe(200);
    // A restarted witness holds the first checkpoint, from disk.
    await app.close();
    opened.release();
    opened = await openWitness(config());
    app = await buildWitnessApp(opened.witness);
    expect(toBase64(held()!.root)).toBe(toBase64(main.tree.root()));
    expect((await post(await fork.request(320))).statusCode).toBe(409);
    // A fork that grows further cannot prove consistency with what the witness holds.
    fork.grow(400);
    const forkProof = await consistencyProof(320, 400, fork.tree);
    expect((await post(await fork.request(320, { proof: forkProof }))).statusCode).toBe(422);
    expect(held()?.size).toBe(320);
  });

  it('refuses tampered proofs with 422 and holds its size', async () => {
    main.grow(333);
    const good = await consistencyProof(320, 333, main.tree);
    const flipped = good.map((h, i) => (i === 1 ? Uint8Array.from(h, (b, j) => (j === 0 ? b ^ 1 : b)) : h));
    for (const proof of [flipped, good.slice(1), [...good, good[0]], [], [good[0]]]) {
      expect((await post(await main.request(320, { proof }))).statusCode).toBe(422);
    }
    // At equal sizes the proof must be empty.
    expect((await post(encodeAddCheckpoint({ oldSize: 320, proof: [good[0]], checkpoint: new TestLog().grow(320).checkpoint() }))).statusCode).toBe(422);
    expect(held()?.size).toBe(320);
    expect((await post(await main.request(320))).statusCode).toBe(200);
  });

  it('answers 403 for a bad or missing log signature and 404 for an unknown origin', async () => {
    main.grow(340);
    const impostor = ed25519NoteSigner(ORIGIN, randomSeed());
    expect((await post(await main.request(333, { signer: impostor }))).statusCode).toBe(403);
    const forged = main.checkpoint().replace(/ (\S+)\n$/, (_, sig: string) => ` ${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}\n`);
    const proof = await consistencyProof(333, 340, main.tree);
    expect((await post(encodeAddCheckpoint({ oldSize: 333, proof, checkpoint: forged }))).statusCode).toBe(403);
    const other = ed25519NoteSigner('unknown.example/log', randomSeed());
    const unknown = signCheckpoint({ origin: 'unknown.example/log', size: 1, root: leafHash(utf8('x')) }, other);
    expect((await post(encodeAddCheckpoint({ oldSize: 0, proof: [], checkpoint: unknown }))).statusCode).toBe(404);
    expect(held()?.size).toBe(333);
  });

  it('answers 400 for malformed bodies and for old beyond the checkpoint', async () => {
    expect((await post('hello')).statusCode).toBe(400);
    expect((await post(`old 1\n\n${checkpointText({ origin: ORIGIN, size: 1, root: new Uint8Array(32) })}`)).statusCode).toBe(400); // no signature
    expect((await post(signNote('not a checkpoint\n', log).replace(/^/, 'old 0\n\n'))).statusCode).toBe(400);
    expect((await post(await main.request(333), 'application/json')).statusCode).toBe(200); // any content type is text
    const small = new TestLog().grow(3);
    expect((await post(encodeAddCheckpoint({ oldSize: 340, proof: [], checkpoint: small.checkpoint() }))).statusCode).toBe(400);
    expect((await post(Buffer.from([0x6f, 0x6c, 0x64, 0x20, 0xff, 0x0a, 0x0a]), 'text/plain')).statusCode).toBe(400);
  });

  it('serialises requests per log: of two racing from the same old size, one wins and the other gets 409', async () => {
    const old = held()!.size;
    const a = new TestLog().grow(350);
    const b = new TestLog().grow(360); // the same prefix: both extend what the witness holds
    const [ra, rb] = await Promise.all([post(await a.request(old)), post(await b.request(old))]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([200, 409]);
    const winner = ra.statusCode === 200 ? 350 : 360;
    expect((ra.statusCode === 409 ? ra : rb).body).toBe(`${winner}\n`);
    expect(held()?.size).toBe(winner);
    expect(parseVkey(config().logs[0].vkey).name).toBe(ORIGIN);
  });
});
