// `hazledger simulate` end to end, on each database: a real server listening on a port, the
// simulator as a child process (socat ptys, TCP readers, HTTP cameras, its own `hazledger
// gateway`) running a small day — 2 manifests × 4 drums at high speed — with every fault planted.
// Checked here from the database, not from the simulator's word: every step of the day sealed,
// exactly the planted faults raised as findings and nothing else, the garbage reader's errors in
// its health, and the whole log auditing clean with the read side replaying to the tables.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, parseVkey } from '../../ledger/index.js';
import { auditLedger } from '../../ledger/store/audit/audit.js';
import { compareReadSide } from '../../server/custody/replay.js';
import type { Summary } from '../../devices/simulator/summary.js';
import { Client } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { DRIVERS } from '../helpers/databases.js';

type Entry = { type: string; by: { role: string; device?: string; org?: string }; unit?: string; manifest?: string; data: Record<string, unknown>; sig?: unknown[] };

function runSimulator(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/hazledger.mjs', 'simulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((r) => child.on('exit', (code) => r({ code, stdout, stderr })));
}

describe.each(DRIVERS)('hazledger simulate against a running server on %s', (db) => {
  let opened: TestApp;
  let server: string;
  let dir: string;
  let run: { code: number | null; stdout: string; stderr: string };
  let entries: Entry[];

  beforeAll(async () => {
    opened = await openTestApp(db, { findings: true });
    await opened.app.listen({ port: 0, host: '127.0.0.1' });
    server = `http://127.0.0.1:${(opened.app.server.address() as { port: number }).port}`;
    dir = mkdtempSync(join(tmpdir(), 'hz-sim-'));
    run = await runSimulator(['--server', server, '--manifests', '2', '--units-per-manifest', '4', '--speed', '5000', '--seed', '7', '--fault', 'all', '--dir', dir, '--json']);
    await opened.ctx.sequencer.idle();
    entries = (await opened.ctx.db.sql.query<{ body: Uint8Array }>('SELECT body FROM ledger_entries ORDER BY idx')).map((r) => JSON.parse(fromUtf8(r.body)));
  }, 90_000);
  afterAll(async () => {
    await opened?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ofType = (t: string) => entries.filter((e) => e.type === t);

  it('runs the day and reports every expected step sealed and exactly the planted findings', () => {
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.problems).toEqual([]);
    expect(summary.sealed).toEqual(summary.expected);
    expect(summary.findings.raised).toEqual(['PLATE_MISMATCH m01', 'UNIT_MISSING m01 m01-u3', 'WEIGHT_MISMATCH m02 m02-u3']);
    expect(run.stderr).toMatch(/simulate: OK in [\d.]+ s/);
  });

  it('sealed every step of the day: drums filled, read onto trucks by devices, weighed, seen at the gate, received, treated', () => {
    const count = (t: string) => ofType(t).length;
    expect([count('unit.registered'), count('unit.weighed'), count('unit.stored'), count('unit.retrieved')]).toEqual([8, 8, 8, 8]);
    expect([count('manifest.created'), count('manifest.signed'), count('manifest.departed'), count('manifest.arrived'), count('manifest.received'), count('manifest.closed')]).toEqual([2, 4, 2, 2, 2, 2]);
    // 7 drums loaded (one left behind), every one by a device: the bay readers or a driver's handheld.
    const loaded = ofType('unit.loaded');
    expect(loaded).toHaveLength(7);
    expect(new Set(loaded.map((e) => e.by.device))).toEqual(new Set(['dev-hengkang-rfid', 'dev-ruitai-rfid', 'dev-taihang-hh1']));
    expect(loaded.every((e) => e.by.role === 'device' && (e.sig as { by: string }[])[0]!.by === `device:${e.by.device}`)).toBe(true);
    expect(ofType('manifest.signed').filter((e) => e.data.step === 'pick_up').map((e) => (e.data.loadedByReader as string[]).length).sort()).toEqual([3, 4]);
    expect([count('unit.received'), count('unit.disposed')]).toEqual([7, 7]);
    // Both gates in and out (the resent Hikvision capture recognised, not sealed twice), both weighbridges twice.
    expect(ofType('vehicle.sighted').map((e) => `${e.by.device} ${String(e.data.direction)}`).sort()).toEqual(['dev-dongxin-cam in', 'dev-dongxin-cam out', 'dev-lvxun-cam in', 'dev-lvxun-cam out']);
    const weighed = ofType('vehicle.weighed');
    expect(weighed.map((e) => e.by.device).sort()).toEqual(['dev-dongxin-wb', 'dev-dongxin-wb', 'dev-lvxun-wb', 'dev-lvxun-wb']);
    expect(weighed.every((e) => e.data.stable === true && /^[0-9a-f]{64}$/.test(String(e.data.rawSha256)) && Number(e.data.grossKg) % 20 === 0 && typeof e.data.plate === 'string')).toBe(true);
    // People's steps are signed by their demo keys, none server-attested.
    expect(entries.filter((e) => e.by.role !== 'device' && e.type.startsWith('unit.') && (e.sig as { attestation?: string }[] | undefined)?.some((s) => s.attestation))).toEqual([]);
  });

  it('raised exactly the planted faults as findings, on the right manifest and drum, and nothing else', async () => {
    const findings = await opened.ctx.db.sql.query<{ code: string; subjects: { manifest?: string; units?: string[]; vehicle?: string } }>('SELECT code, subjects FROM findings ORDER BY code');
    expect(findings.map((f) => f.code)).toEqual(['PLATE_MISMATCH', 'UNIT_MISSING', 'WEIGHT_MISMATCH']);
    const [plate, missing, light] = findings;
    // The drum left behind is the one never loaded: still at its producer, retrieved for the pickup.
    const left = await opened.ctx.db.sql.query<{ id: string }>(`SELECT id FROM units WHERE state = 'retrieved'`);
    expect(missing!.subjects.units).toEqual(left.map((u) => u.id));
    // The light drum: its receipt net against its producer's net is the one far apart.
    const producerNet = new Map(ofType('unit.weighed').map((e) => [e.unit, Number(e.data.netKg)]));
    const off = ofType('unit.received').filter((e) => Math.abs(Number(e.data.netKg) - producerNet.get(e.unit)!) > 2);
    expect(off.map((e) => e.unit)).toEqual(light!.subjects.units);
    expect(Number(off[0]!.data.netKg) / producerNet.get(off[0]!.unit)!).toBeLessThan(0.61);
    // The wrong plate: the arrival recorded what the gate camera read, another vehicle of the carrier.
    const arrived = ofType('manifest.arrived').find((e) => e.manifest === plate!.subjects.manifest)!;
    const created = ofType('manifest.created').find((e) => e.manifest === plate!.subjects.manifest)!;
    expect(arrived.data.vehiclePlate).toBe(plate!.subjects.vehicle);
    expect(arrived.data.vehiclePlate).not.toBe((created.data.legs as { vehiclePlate: string }[])[0]!.vehiclePlate);
  });

  it('shows the garbage reader\'s errors in device health, and every emulated device linked and reading', async () => {
    const admin = await Client.as(opened.app, 'admin');
    const devices = (await admin.request('GET', '/api/devices')).json().devices as { id: string; readings: { sealed: number }; gateway: { health: { link: string; frames: number; errors: Record<string, number>; readings: number } } | null }[];
    const health = (id: string) => devices.find((d) => d.id === id)!.gateway!.health;
    const garbage = health('dev-ruitai-rfid');
    expect(garbage.errors.JUNK).toBeGreaterThan(0);
    expect(garbage.errors.BAD_CHECKSUM).toBeGreaterThan(0);
    expect(garbage.readings).toBeGreaterThan(0); // it resynchronised: its drums were still read
    for (const id of ['dev-dongxin-wb', 'dev-lvxun-wb', 'dev-hengkang-rfid']) {
      expect(health(id).link).toBe('up');
      expect(health(id).frames).toBeGreaterThan(0);
      expect(health(id).errors).toEqual({});
    }
    expect(devices.find((d) => d.id === 'dev-dongxin-wb')!.readings.sealed).toBe(2);
  });

  it('leaves a log that audits clean and replays to the same read side', async () => {
    expect((await auditLedger(opened.ctx.db.sql, parseVkey(opened.ctx.key.vkey))).breaks).toEqual([]);
    expect(await compareReadSide(opened.ctx.db.sql)).toEqual([]);
  });
});

describe('hazledger simulate without a server', () => {
  it('says it cannot reach one and exits 1; bad arguments exit 2 with the usage', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const gone = await runSimulator(['--server', `http://127.0.0.1:${port}`, '--speed', '1000']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(new RegExp(`hazledger simulate: cannot reach http://127.0.0.1:${port} \\(ECONNREFUSED\\): is the hazledger server running there\\?`));
    expect(gone.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const bad = await runSimulator(['--units-per-manifest', '1', '--fault', 'drum-left-behind']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/drum-left-behind needs --units-per-manifest of 2 or more[\s\S]*usage: hazledger simulate/);
  });
});
