// `hazledger gateway` SIGKILLed again and again during a stream of tag readings, and once the
// server under it too (both real processes, PostgreSQL): every reading the gateway reported taken
// (in its on-disk outbox) is sealed exactly once, in order, with no gap — the outbox resends what
// may have been sent, and the server answers a replay as a duplicate instead of sealing it twice.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../server/seeded-random.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { registration } from '../helpers/api.js';
import { hazledger, HttpClient, killServers, serverPlace, startServer, type ServerProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/witness.js';
import { readLog } from '../helpers/write-load.js';

const DEVICE = 'dev-boyuan-rfid';
afterAll(killServers);

describe('the gateway SIGKILLed mid-stream, and the server under it', () => {
  const work = mkdtempSync(join(tmpdir(), 'hz-gwcrash-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('delivers every reading it took exactly once', async () => {
    const seed = Date.now() % 1_000_000;
    const rng = new Rng(seed);
    const place = await serverPlace('postgres');
    let server: ServerProcess | undefined;
    try {
      server = await startServer(place.env);
      const producer = await HttpClient.login(server.url, 'producer');
      const tags: string[] = [];
      for (let serial = 1; serial <= 8; serial++) {
        const epc = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial });
        expect((await producer.request('POST', '/api/units', registration({ epc }))).status).toBe(201);
        tags.push(epc);
      }
      // A reader on TCP reading the drums over and over, one EPC a line, to whoever connects.
      let next = 0;
      let reading = true;
      const reader = createServer((s: Socket) => {
        const t = setInterval(() => reading && s.write(`${tags[next++ % tags.length]}\r\n`), 15);
        s.on('close', () => clearInterval(t));
        s.on('error', () => clearInterval(t));
      });
      await new Promise<void>((r) => reader.listen(0, '127.0.0.1', r));
      const config = join(work, 'gateway.json');
      const writeConfig = (url: string) => writeFileSync(config, JSON.stringify({
        server: url, dir: join(work, 'outbox'), healthEverySeconds: 0,
        devices: [{ id: DEVICE, key: 'demo', source: { type: 'tcp-line', host: '127.0.0.1', port: (reader.address() as { port: number }).port } }],
      }));
      writeConfig(server.url);

      const taken = new Set<number>();
      /**
       * Run the gateway until it has taken `more` further readings, then send it `signal`; with
       * `during`, that is started halfway instead, and the signal follows once it is done.
       */
      const runGateway = async (more: number, signal: NodeJS.Signals, during?: () => Promise<void>) => {
        const child = spawn(process.execPath, ['bin/hazledger.mjs', 'gateway', '--config', config], { env: place.env, stdio: ['ignore', 'pipe', 'pipe'] });
        const exited = new Promise((r) => child.on('exit', r));
        const target = taken.size + more;
        let started = false;
        for await (const line of createInterface({ input: child.stdout })) {
          const m = new RegExp(`^taken ${DEVICE} (\\d+)$`).exec(line);
          if (m) taken.add(Number(m[1]));
          if (during && !started && taken.size >= target - Math.floor(more / 2)) {
            started = true;
            void during().finally(() => child.kill(signal));
          }
          if (!during && taken.size >= target && child.exitCode === null) child.kill(signal);
        }
        await exited;
      };
      const sealedSeqs = async () => (await readLog(server!.url))
        .map((e) => JSON.parse(e.body))
        .filter((e) => e.type === 'unit.sighted' && e.by?.device === DEVICE)
        .map((e) => e.data.seq as number);

      for (let round = 0; round < 3; round++) await runGateway(5 + Math.floor(rng.next() * 15), 'SIGKILL');
      // The server SIGKILLed and restarted (on another port) while the gateway streams: the outbox keeps what it took.
      await runGateway(20, 'SIGKILL', async () => {
        await server!.kill('SIGKILL');
        server = await startServer(place.env);
        writeConfig(server.url);
      });
      // A last run: the reader falls silent, and whatever was taken must reach the log.
      await runGateway(4, 'SIGTERM', async () => {
        reading = false;
        await waitFor('every reading taken to be sealed', async () => (await sealedSeqs()).length >= taken.size, 120_000).catch(async (e) => {
          console.log(`taken ${[...taken].sort((x, y) => x - y).join(',')}\nsealed ${(await sealedSeqs()).join(',')}\n${server!.output().slice(-3000)}`);
          throw e;
        });
      });
      reader.close();

      const sealed = await sealedSeqs();
      expect(sealed, `seed ${seed}`).toEqual(Array.from({ length: sealed.length }, (_, i) => i + 1));
      expect([...taken].filter((n) => !sealed.includes(n))).toEqual([]);
      console.log(`gateway crashes (seed ${seed}): ${taken.size} readings taken, ${sealed.length} sealed once each`);
      await server.kill('SIGTERM');
      expect((await hazledger(['verify'], place.env)).stdout).toMatch(/^OK: /m);
    } finally {
      await killServers();
      await place.dispose();
    }
  }, 240_000);
});
