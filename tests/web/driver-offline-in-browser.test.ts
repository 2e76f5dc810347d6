// The driver's page out of signal, in real headless Chromium: the app shell kept by the service
// worker, event ids reserved ahead, the page taken offline (context.setOffline), a pickup scanned
// and signed into the IndexedDB outbox, the page reloaded without signal (served by the worker,
// the loads and the outbox still there), then the network back: the outbox delivered through
// POST /api/offline/steps, the pickup sealed with the phone's time, and a pickup of a manifest
// cancelled meanwhile kept by the server as a conflict, shown with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventId } from '../helpers/api.js';
import { drum, entryAt, keptSteps, logInDriver, manifest, openDriverWorld, signedManifest, type DriverWorld, type Drum } from './driver-fixture.js';

describe('the driver in the browser, offline', () => {
  let w: DriverWorld;
  let load: { id: string; number: string; drums: Drum[] };
  let cancelled: { id: string; number: string; drums: Drum[] };
  let recordedAt = 0;

  beforeAll(async () => {
    w = await openDriverWorld();
    const drums = [await drum(w.producer, 990_001, 120), await drum(w.producer, 990_002, 130)];
    load = { ...(await signedManifest(w.producer, drums)), drums };
    const other = [await drum(w.producer, 990_011, 80)];
    cancelled = { ...(await signedManifest(w.producer, other)), drums: other };
  });
  afterAll(() => w?.close());

  const page = () => w.page;
  const card = (id: string) => page().locator(`.load-card[data-manifest="${id}"][data-kind="pickup"]`);
  const queuedCount = () => page().locator('.queued-count').getAttribute('data-n');
  async function pickUp(m: { id: string; drums: Drum[] }) {
    await card(m.id).locator('a').click();
    for (const d of m.drums) {
      await page().fill('input[name=scan]', d.epc);
      await page().press('input[name=scan]', 'Enter');
    }
    await page().locator('.tally.complete').waitFor();
    await page().click('button.sign');
    await page().waitForURL('**/driver');
  }

  it('keeps the app shell in the service worker and event ids in hand while online', async () => {
    await logInDriver(w);
    await page().locator('.driver[data-shell="ready"]').waitFor();
    expect(await page().locator('.signal').textContent()).toContain('已可离线使用');
    await page().locator('.outbox-summary', { hasText: '已预留 12 个离线步骤编号' }).waitFor();
    await card(load.id).waitFor();
    await card(cancelled.id).waitFor();
    const cached = await page().evaluate(async () => (await (await caches.open('hazledger-shell-v1')).keys()).map((r) => new URL(r.url).pathname));
    expect(cached).toEqual(expect.arrayContaining(['/', '/manifest.webmanifest', '/icon-192.png']));
    expect(cached.some((p) => /^\/assets\/jsQR-.*\.js$/.test(p)), 'the QR decoder, for the camera without signal').toBe(true);
    const manifestRes = await page().request.get(`${w.front.base}/manifest.webmanifest`);
    expect(await manifestRes.json()).toMatchObject({ display: 'standalone', start_url: '/driver' });
  });

  it('records pickups without signal into the outbox: nothing reaches the server', async () => {
    await w.context.setOffline(true);
    await page().locator('.driver[data-online="no"]').waitFor();
    expect(await page().locator('.signal').textContent()).toContain('离线');
    // Meanwhile the producer cancels the second manifest: the driver cannot know.
    const cancel = await w.producer.request('POST', `/api/manifests/${cancelled.id}/cancellation`, { eventId: eventId('cx'), reason: '改期' });
    expect(cancel.statusCode, cancel.body).toBe(201);

    recordedAt = Date.now();
    await pickUp(load);
    await pickUp(cancelled);
    await expect.poll(queuedCount).toBe('2');
    expect(await card(load.id).locator('.step-queued').textContent()).toBe('待发送');
    expect(await page().locator('.outbox-summary').textContent()).toContain('已预留 10 个离线步骤编号');
    expect((await manifest(w.driver, load.id)).state).toBe('signed');
    expect(await keptSteps(w.driver, load.id)).toEqual([]);
  });

  it('reloads without signal: the service worker serves the page, the loads and the outbox are still there', async () => {
    const reloaded = await page().reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await page().locator('.driver[data-online="no"]').waitFor();
    await card(load.id).waitFor();
    expect(await card(load.id).textContent()).toContain(load.number);
    await expect.poll(queuedCount).toBe('2');
    expect(await page().locator('.signal').textContent()).toContain('联单数据更新于');
    // the worker itself is offline too: the page came from its cache
    const [worker] = w.context.serviceWorkers();
    expect(await worker.evaluate(() => fetch('/precache.json', { cache: 'no-store' }).then(() => 'network', () => 'no network'))).toBe('no network');
  });

  it('delivers the outbox when the network returns: sealed with the phone\'s time; the conflict kept, with its reason', async () => {
    await w.context.setOffline(false);
    await page().locator('.driver[data-online="yes"]').waitFor();
    await expect.poll(queuedCount, { timeout: 20_000 }).toBe('0');

    expect((await manifest(w.driver, load.id)).state).toBe('picked_up');
    const [sealed] = await keptSteps(w.driver, load.id);
    expect(sealed).toMatchObject({ kind: 'pickup', status: 'sealed' });
    const e = await entryAt(w, sealed.outcome.entries[0].index);
    expect(e.data).toMatchObject({ step: 'pick_up', taken: load.drums.map((d) => d.id).sort(), missing: [] });
    expect(Date.parse(e.at)).toBeGreaterThanOrEqual(recordedAt - 1000); // the phone's clock, before the network returned
    expect(Date.parse(e.data.receivedAt)).toBeGreaterThan(Date.parse(e.at));
    await page().locator(`.steps-list li[data-event="${sealed.eventId}"] .step-sealed`, { hasText: `已上链 #${sealed.outcome.entries[0].index}` }).waitFor();

    const [conflict] = await keptSteps(w.driver, cancelled.id);
    expect(conflict).toMatchObject({ status: 'conflict', outcome: { code: 'TRANSITION_REFUSED' } });
    const shown = page().locator(`.steps-list li[data-event="${conflict.eventId}"]`);
    await shown.locator('.step-conflict', { hasText: '冲突' }).waitFor();
    expect(await shown.textContent()).toContain(conflict.outcome.detail);
    expect(await shown.textContent()).toContain(cancelled.number);
    // the picked-up load is now under way; the cancelled one waits for no one
    await page().locator(`.load-card[data-manifest="${load.id}"][data-kind="departure"]`).waitFor();
    await expect.poll(() => card(cancelled.id).count()).toBe(0);
    expect(w.errors).toEqual([]);
  });
});
