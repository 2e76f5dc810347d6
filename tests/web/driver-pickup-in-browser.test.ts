// The driver's page on a phone, online, in real headless Chromium: today's pickups; drums loaded
// by a handheld's EPC (with and without Enter) and by the camera reading a label's QR (a fake
// video stream, decoded in the page by the bundled jsQR); the tally of loaded and missing; the
// pickup signed (complete, and with a drum missing), a key enrolled on the phone and the steps
// after it signed with it (departure, handover); each checked through the API. Also the first
// load's JavaScript, gzipped, under 300 KB.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventId, personOf } from '../helpers/api.js';
import { plateOf } from '../helpers/park.js';
import { drum, entryAt, keptSteps, logInDriver, manifest, openDriverWorld, qrVideo, signedManifest, tag, type DriverWorld, type Drum } from './driver-fixture.js';

const CAMERA_SERIAL = 880_003; // the drum whose label the fake camera films

describe('the driver in the browser, online', () => {
  let w: DriverWorld;
  let full: { id: string; number: string; drums: Drum[] };
  let short: { id: string; number: string; drums: Drum[] };
  const firstLoadJs = new Map<string, number>();

  beforeAll(async () => {
    w = await openDriverWorld((dir) => {
      // The QR holds the label's GS1 Digital Link; the page only reads its /8003/{GRAI} path.
      const file = join(dir, 'label-qr.y4m');
      qrVideo(`https://id.hazledger.example/8003/${tag(CAMERA_SERIAL).grai}`, file);
      return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`];
    });
    await w.context.grantPermissions(['camera']);
    const drums = [await drum(w.producer, 880_001, 180), await drum(w.producer, 880_002, 200.5), await drum(w.producer, CAMERA_SERIAL, 150)];
    full = { ...(await signedManifest(w.producer, drums)), drums };
    const two = [await drum(w.producer, 880_011, 90), await drum(w.producer, 880_012, 95)];
    short = { ...(await signedManifest(w.producer, two)), drums: two };
    w.page.on('response', async (r) => {
      if (r.url().endsWith('.js') && !firstLoadJs.has(r.url())) firstLoadJs.set(r.url(), gzipSync(await r.body()).length);
    });
  });
  afterAll(() => w?.close());

  const card = (id: string, kind = 'pickup') => w.page.locator(`.load-card[data-manifest="${id}"][data-kind="${kind}"]`);
  const tally = async () => [await w.page.locator('.tally-loaded').textContent(), await w.page.locator('.tally-expected').textContent(), await w.page.locator('.tally-missing').getAttribute('data-missing')];
  const wedge = async (text: string, enter = true) => {
    await w.page.fill('input[name=scan]', text);
    if (enter) await w.page.press('input[name=scan]', 'Enter');
  };

  it("lists today's pickups, and loads the page with under 300 KB of JavaScript (gzip), the QR decoder left out", async () => {
    await logInDriver(w);
    await card(full.id).waitFor();
    expect(await card(full.id).textContent()).toContain(full.number);
    expect(await card(full.id).textContent()).toContain('今天');
    expect(await card(full.id).textContent()).toContain('3 桶');
    expect(await card(full.id).textContent()).toContain('530.5 kg');
    expect(await card(short.id).textContent()).toContain(plateOf('org-anyun'));
    const total = [...firstLoadJs.values()].reduce((a, b) => a + b, 0);
    console.log(`driver page, first load: ${firstLoadJs.size} JS files, ${(total / 1024).toFixed(1)} KB gzipped`);
    expect(total).toBeLessThan(300 * 1024);
    expect([...firstLoadJs.keys()].some((u) => /jsQR/i.test(u))).toBe(false);
  });

  it('loads drums by EPC from a handheld, and shows what is still missing', async () => {
    await card(full.id).locator('a').click();
    await w.page.waitForURL(`**/driver/load/${full.id}/pickup`);
    await expect.poll(tally).toEqual(['0', '3', '3']);
    expect(await w.page.locator('.tally-missing').textContent()).toBe('还缺 3 桶');

    await wedge(full.drums[0].epc);
    await expect.poll(tally).toEqual(['1', '3', '2']);
    expect(await w.page.locator('.scan-feedback').textContent()).toContain(full.drums[0].hjCode);
    expect(await w.page.locator(`.drums li[data-unit="${full.drums[0].id}"]`).getAttribute('class')).toBe('loaded');
    // a handheld that sends no Enter, in lower case
    await wedge(full.drums[1].epc.toLowerCase(), false);
    await expect.poll(tally).toEqual(['2', '3', '1']);
    expect(await w.page.locator('.tally-kg').textContent()).toBe('已装 380.5 kg');
    // the same drum again, and one of another manifest
    await wedge(full.drums[0].epc);
    await w.page.locator('.scan-feedback.again').waitFor();
    await wedge(short.drums[0].epc);
    await w.page.locator('.scan-feedback.bad').waitFor();
    await expect.poll(tally).toEqual(['2', '3', '1']);
    expect(await w.page.locator(`.drums li[data-unit="${full.drums[2].id}"]`).getAttribute('class')).toBe('missing');
  });

  it('reads the last drum\'s QR label with the camera, decoded in the page', async () => {
    const decoder = w.page.waitForResponse((r) => /jsQR.*\.js$/.test(r.url()));
    await w.page.click('button.camera-open');
    await decoder; // loaded only now, from our own server
    await expect.poll(tally, { timeout: 15_000 }).toEqual(['3', '3', '0']);
    expect(await w.page.locator('.tally-missing').textContent()).toBe('已全部装车');
    expect(await w.page.locator('.scan-feedback').textContent()).toContain(full.drums[2].hjCode);
    await w.page.click('.driver-camera button');
  });

  it('signs the pickup: sealed with every drum taken', async () => {
    await w.page.click('button.sign');
    await w.page.waitForURL('**/driver');
    await w.page.locator('.notice', { hasText: `联单 ${full.number} 提货已签字` }).waitFor();
    await expect.poll(async () => (await manifest(w.driver, full.id)).state).toBe('picked_up');
    const [step] = await keptSteps(w.driver, full.id);
    expect(step).toMatchObject({ kind: 'pickup', status: 'sealed' });
    const e = await entryAt(w, step.outcome.entries[0].index);
    expect(e).toMatchObject({ type: 'manifest.signed', data: { step: 'pick_up', taken: full.drums.map((d) => d.id).sort(), missing: [], vehiclePlate: plateOf('org-anyun') } });
    await w.page.locator(`.steps-list li[data-event="${step.eventId}"] .step-sealed`, { hasText: `已上链 #${step.outcome.entries[0].index}` }).waitFor();
  });

  it('signs a pickup with a drum missing only after saying so; the missing drum is recorded', async () => {
    await card(short.id).locator('a').click();
    await wedge(short.drums[1].epc);
    await expect.poll(tally).toEqual(['1', '2', '1']);
    await w.page.click('button.sign');
    await w.page.locator('.confirm-missing', { hasText: '还有 1 桶未扫描' }).waitFor();
    expect(await w.page.locator('button.sign').textContent()).toBe('仍然签字（缺 1 桶）');
    await w.page.click('button.sign');
    await w.page.waitForURL('**/driver');
    await expect.poll(async () => (await keptSteps(w.driver, short.id))[0]?.status).toBe('sealed');
    const [step] = await keptSteps(w.driver, short.id);
    expect((await entryAt(w, step.outcome.entries[0].index)).data).toMatchObject({ taken: [short.drums[1].id], missing: [short.drums[0].id] });
  });

  it("enrols a key made on the phone, and departs: sealed with the driver's own signature", async () => {
    await w.page.fill('.signing-key input[name=keyPassword]', 'driver-demo');
    await w.page.click('.signing-key button[type=submit]');
    await w.page.locator('.signing-key.enrolled').waitFor();
    await card(full.id, 'departure').locator('button.depart').click();
    await expect.poll(async () => (await manifest(w.driver, full.id)).state).toBe('departed');
    await w.page.locator('.notice', { hasText: `联单 ${full.number} 已签字出发` }).waitFor();
    const departure = (await keptSteps(w.driver, full.id)).find((s) => s.kind === 'departure')!;
    expect(departure.status).toBe('sealed');
    const e = await entryAt(w, departure.outcome.entries[0].index);
    expect(e.sig).toEqual([{ by: `person:${personOf('driver').id}`, alg: 'EdDSA', jws: expect.stringMatching(/^eyJ/) }]);
  });

  it('takes a load over at a handover, scanning what the first leg carries', async () => {
    const drums = [await drum(w.producer, 880_021, 60), await drum(w.producer, 880_022, 70)];
    const m = await signedManifest(w.producer, drums, ['org-taihang', 'org-anyun']);
    const first = await w.driver2.request('POST', `/api/manifests/${m.id}/pickup`, { eventId: eventId('pu'), vehiclePlate: plateOf('org-taihang'), scannedUnitIds: drums.map((d) => d.id) });
    expect(first.statusCode, first.body).toBe(201);
    await w.page.reload();
    await card(m.id, 'handover').locator('a').click();
    await expect.poll(tally).toEqual(['0', '2', '2']);
    for (const d of drums) await wedge(d.grai); // the GRAI itself, as some handhelds send it
    await expect.poll(tally).toEqual(['2', '2', '0']);
    expect(await w.page.locator('button.sign').textContent()).toBe('签字确认接收（2 桶）');
    await w.page.click('button.sign');
    await expect.poll(async () => (await manifest(w.driver, m.id)).currentLeg).toBe(1);
    const [step] = await keptSteps(w.driver, m.id);
    expect(step).toMatchObject({ kind: 'handover', status: 'sealed' });
    expect((await entryAt(w, step.outcome.entries[0].index)).sig[0]).toMatchObject({ by: `person:${personOf('driver').id}`, alg: 'EdDSA' });
  });

  it('speaks English on request, with weights in kg', async () => {
    await w.page.click('header button.lang-switch');
    await w.page.locator('.driver-home h1', { hasText: "Today's pickups" }).waitFor();
    expect(await w.page.locator('.signal').textContent()).toContain('Online');
    expect(await card(short.id, 'departure').textContent()).toContain('drums: 2 · 185 kg');
    await w.page.click('header button.lang-switch');
    await w.page.locator('.driver-home h1', { hasText: '今日提货' }).waitFor();
    expect(w.errors).toEqual([]);
  });
});
