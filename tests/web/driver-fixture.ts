// The driver's page in headless Chromium against a test app (on PostgreSQL when
// TEST_DATABASE_URL is set, PGlite otherwise): the web app as built for the run, drums and
// manifests made through the API as the demo producer, the demo driver logged in on a phone-
// sized page. Also a fake camera's video: one QR code as a Y4M file for Chromium to loop.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { expect } from 'vitest';
import { fromUtf8 } from '../../ledger/index.js';
import { decodeGrai96, encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client, eventId } from '../helpers/api.js';
import { openTestApp } from '../helpers/app.js';
import { PHONE } from '../helpers/browser.js';
import { DRIVERS } from '../helpers/databases.js';
import { leg } from '../helpers/park.js';
import { openWebWorld, type WebWorld } from './front.js';

export interface DriverWorld extends WebWorld {
  producer: Client;
  driver: Client;
  driver2: Client;
  dir: string;
}

export async function openDriverWorld(chromiumArgs: (dir: string) => string[] = () => []): Promise<DriverWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'hz-driver-'));
  const opened = await openTestApp(DRIVERS.at(-1)!);
  const [producer, driver, driver2] = await Promise.all((['producer', 'driver', 'driver2'] as const).map((w) => Client.as(opened.app, w)));
  // A phone in China Standard Time; requests refused while offline are not the page's errors.
  const world = await openWebWorld(opened, PHONE, { chromiumArgs: chromiumArgs(dir) });
  return {
    ...world, producer, driver, driver2, dir,
    async close() {
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function logInDriver(w: DriverWorld): Promise<void> {
  await w.page.goto(`${w.front.base}/`);
  await w.page.waitForURL('**/login');
  await w.page.fill('input[name=username]', 'driver');
  await w.page.fill('input[name=password]', 'driver-demo');
  await w.page.click('button[type=submit]');
  await w.page.waitForURL('**/driver');
}

/** A drum's tag: its EPC (GRAI-96, the demo producer's company prefix) and its GRAI. */
export function tag(serial: number): { epc: string; grai: string } {
  const epc = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial });
  return { epc, grai: decodeGrai96(epc).grai };
}

export interface Drum {
  id: string;
  epc: string;
  grai: string;
  hjCode: string;
}

/** A tagged drum of the demo producer, weighed (net `netKg`). */
export async function drum(producer: Client, serial: number, netKg: number): Promise<Drum> {
  const t = tag(serial);
  const { unit } = await producer.register({ epc: t.epc });
  const weighed = await producer.request('POST', `/api/units/${unit.id}/weighings`, { eventId: eventId('w'), grossKg: String(netKg + 12.5), tareKg: '12.5', source: 'manual' });
  expect(weighed.statusCode, weighed.body).toBe(201);
  return { id: unit.id, hjCode: unit.hjCode as string, ...t };
}

/** Today in China Standard Time (UTC+8 all year), as the phone in Asia/Shanghai sees it. */
export const todayCst = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** A manifest of the demo producer to org-dongxin, signed; by default one leg, the demo driver's (org-anyun). */
export async function signedManifest(producer: Client, drums: Drum[], transporters = ['org-anyun']): Promise<{ id: string; number: string }> {
  const made = await producer.request('POST', '/api/manifests', {
    eventId: eventId('mf'), receiverOrgId: 'org-dongxin', legs: transporters.map(leg), unitIds: drums.map((d) => d.id), plannedDate: todayCst(),
  });
  expect(made.statusCode, made.body).toBe(201);
  const { id, number } = made.json().manifest;
  const signed = await producer.request('POST', `/api/manifests/${id}/signature`, { eventId: eventId('sig') });
  expect(signed.statusCode, signed.body).toBe(201);
  return { id, number };
}

export const manifest = async (c: Client, id: string) => (await c.request('GET', `/api/manifests/${id}`)).json();

/** What the server made of the driver's steps on a manifest (GET /api/offline/steps). */
export async function keptSteps(driver: Client, manifestId: string): Promise<{ eventId: string; kind: string; status: string; deviceAt: string; outcome: any }[]> {
  const res = await driver.request('GET', '/api/offline/steps');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().steps.filter((s: { manifestId: string }) => s.manifestId === manifestId);
}

/** The sealed ledger entry at `index`, parsed. */
export async function entryAt(w: DriverWorld, index: number): Promise<any> {
  return JSON.parse(fromUtf8((await w.opened.ctx.reader.entry(index))!));
}

/**
 * A Y4M video (640×480, 4:2:0) of a QR code holding `text`, black on white, for Chromium's
 * --use-file-for-fake-video-capture: the camera the page opens then films the label.
 */
export function qrVideo(text: string, file: string): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const [W, H, quiet] = [640, 480, 4];
  const scale = Math.floor((0.8 * H) / (modules.size + 2 * quiet));
  const x0 = Math.floor((W - (modules.size + 2 * quiet) * scale) / 2) + quiet * scale;
  const y0 = Math.floor((H - (modules.size + 2 * quiet) * scale) / 2) + quiet * scale;
  const luma = Buffer.alloc(W * H, 235);
  for (let r = 0; r < modules.size; r++)
    for (let c = 0; c < modules.size; c++)
      if (modules.get(r, c)) for (let y = 0; y < scale; y++) luma.fill(16, (y0 + r * scale + y) * W + x0 + c * scale, (y0 + r * scale + y) * W + x0 + (c + 1) * scale);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, Buffer.alloc(W * H / 2, 128)]);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
}
