// An older database backup restored under the log: it must not sign a tree that does not extend
// the checkpoints it already signed (and a witness cosigned), and a LEDGER_TAMPERED finding is
// raised. PostgreSQL: pg_dump at size N, more steps, pg_restore of the dump while the server runs,
// then a restart on it. PGlite: the database files copied while stopped and put back; then the whole
// data directory (the log's own memory of its last checkpoint too), which only a witness can catch.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ed25519NoteSigner, encodeVkey, randomSeed, toBase64 } from '../../ledger/index.js';
import { encodeAddCheckpoint, parseTreeSize } from '../../ledger/witness-protocol.js';
import { DEFAULT_ORIGIN } from '../../server/config.js';
import { registration } from '../helpers/api.js';
import { HttpClient, killServers, serverPlace, startServer, type ServerProcess } from '../helpers/process.js';
import { startWitness, waitFor, type RunningWitness } from '../helpers/witness.js';

afterAll(killServers);

const sizeOf = (checkpoint: string) => Number(checkpoint.split('\n')[1]);
const checkpoint = async (s: ServerProcess) => (await fetch(`${s.url}/ledger/checkpoint`)).text();

/** `n` drums registered, then the witness's cosignature of the resulting checkpoint awaited. */
async function grow(s: ServerProcess, n: number): Promise<string> {
  const producer = await HttpClient.login(s.url, 'producer');
  for (let i = 0; i < n; i++) expect((await producer.request('POST', '/api/units', registration())).status).toBe(201);
  const head = await checkpoint(s);
  await waitFor('the witness to cosign', async () => (await fetch(`${s.url}/ledger/checkpoint/cosigned`)).headers.get('x-tlog-size') === String(sizeOf(head)));
  return head;
}

const inspectors = new Map<string, Promise<HttpClient>>();
async function tamperedFindings(s: ServerProcess): Promise<{ key: string; detail: string }[]> {
  if (!inspectors.has(s.url)) inspectors.set(s.url, HttpClient.login(s.url, 'inspector'));
  const inspector = await inspectors.get(s.url)!;
  return (await inspector.request('GET', '/api/findings?code=LEDGER_TAMPERED')).json.findings;
}

/** What the witness says to the log's current checkpoint: 409 and the size it holds. */
async function witnessAnswer(witness: RunningWitness, note: string) {
  const res = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: encodeAddCheckpoint({ oldSize: 0, proof: [], checkpoint: note }) });
  const body = await res.text();
  return { status: res.status, size: res.status === 409 ? parseTreeSize(body) : undefined };
}

describe.each(['postgres', 'pglite'] as const)('a backup restored under the log on %s', (driver) => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterAll(async () => {
    await killServers();
    for (const f of cleanup.reverse()) await f();
  });

  it('is refused: nothing inconsistent is signed, and LEDGER_TAMPERED is raised', async () => {
    const seed = randomSeed();
    const signer = ed25519NoteSigner(DEFAULT_ORIGIN, seed);
    const witness = await startWitness('witness.bureau/w', encodeVkey(signer.name, signer.publicKey));
    cleanup.push(() => witness.close());
    const place = await serverPlace(driver, {
      HAZLEDGER_CHECKPOINT_KEY: toBase64(seed), HAZLEDGER_FINDINGS: '1', HAZLEDGER_WITNESSES: `${witness.url}=${witness.vkey}`,
    });
    cleanup.push(() => place.dispose());
    const backup = mkdtempSync(join(tmpdir(), 'hz-backup-'));
    const newest = mkdtempSync(join(tmpdir(), 'hz-newest-'));
    cleanup.push(() => rmSync(backup, { recursive: true, force: true }), () => rmSync(newest, { recursive: true, force: true }));

    let server = await startServer(place.env);
    const old = await grow(server, 3);
    if (driver === 'postgres') {
      execFileSync('pg_dump', ['-Fc', '-f', join(backup, 'db.dump'), place.url!]);
    } else {
      await server.kill('SIGTERM');
      cpSync(place.dataDir, backup, { recursive: true });
      server = await startServer(place.env);
    }
    await grow(server, 4);
    const latest = await checkpoint(server); // (the finding engine may have sealed more since)
    expect(sizeOf(latest)).toBeGreaterThan(sizeOf(old));

    if (driver === 'postgres') {
      // The dump put back over the live database, in one transaction, while the server runs.
      execFileSync('pg_restore', ['--clean', '--if-exists', '--single-transaction', '-d', place.url!, join(backup, 'db.dump')]);
    } else {
      await server.kill('SIGTERM');
      cpSync(place.dataDir, newest, { recursive: true });
      rmSync(join(place.dataDir, 'pglite'), { recursive: true });
      cpSync(join(backup, 'pglite'), join(place.dataDir, 'pglite'), { recursive: true });
      server = await startServer(place.env);
    }
    // A step on the restored database is answered with an error, not sealed into a rewritten tree.
    const producer = await HttpClient.login(server.url, 'producer');
    const step = await producer.request('POST', '/api/units', registration());
    expect(step.status).toBe(503);
    expect(step.json.code).toBe('LEDGER_HALTED');
    const raised = await waitFor('the rollback finding', async () => (await tamperedFindings(server)).find((f) => f.key.startsWith('LEDGER_TAMPERED:ROLLBACK:')));
    expect(Number(/the log signed a checkpoint at size (\d+)/.exec(raised.detail)?.[1])).toBeGreaterThanOrEqual(sizeOf(latest));
    expect(await checkpoint(server)).toBe(old); // what it serves is what it signed back then
    expect(server.output()).toMatch(/refusing to sign/);
    // The witness holds the newer checkpoint, and refuses the one the restored database has.
    const answer = await witnessAnswer(witness, await checkpoint(server));
    expect(answer.status).toBe(409);
    expect(answer.size).toBeGreaterThanOrEqual(sizeOf(latest));

    if (driver === 'postgres') {
      // Restarted on the restored database, it still refuses (its last checkpoint is kept outside
      // the database). (On PGlite the server above was already a restart.)
      await server.kill('SIGTERM');
      server = await startServer(place.env);
      await waitFor('a refused batch', async () => /refusing to sign/.test(server.output()));
      expect(sizeOf(await checkpoint(server))).toBe(sizeOf(old));
    }

    if (driver === 'pglite') {
      // The whole data directory put back, the log's memory with it: the witness, asked at start
      // before anything is signed, holds more of the log; nothing is signed and the finding is raised.
      await server.kill('SIGTERM');
      rmSync(place.dataDir, { recursive: true });
      cpSync(backup, place.dataDir, { recursive: true });
      server = await startServer(place.env);
      const refused = await (await HttpClient.login(server.url, 'producer')).request('POST', '/api/units', registration());
      expect(refused.status).toBe(503);
      expect(refused.json.detail).toMatch(/witness .* holds size \d+ of this log, which has only \d+ entries: refusing to sign/);
      const byWitness = await waitFor('the witness finding', async () => (await tamperedFindings(server)).find((f) => f.key.startsWith('LEDGER_TAMPERED:WITNESS:')));
      expect(byWitness.detail).toMatch(/has seen more of this log than the log now holds/);
      expect(await checkpoint(server)).toBe(old);
      expect((await witnessAnswer(witness, await checkpoint(server))).size).toBeGreaterThanOrEqual(sizeOf(latest));
      // The newest data directory put back: the witness cosigns again, and sealing resumes.
      await server.kill('SIGTERM');
      rmSync(place.dataDir, { recursive: true });
      cpSync(newest, place.dataDir, { recursive: true });
      server = await startServer(place.env);
      expect((await (await HttpClient.login(server.url, 'producer')).request('POST', '/api/units', registration())).status).toBe(201);
    }
  }, 240_000);
});
