// The public page behind a drum's QR, in real headless Chromium with no login: what the drum is,
// where it is, when it was last seen, and the proof of its latest record verified in the browser
// (red when the proof is bent); a problem report accepted and kept for the regulator. The JSON
// answer and the report route themselves: tests/web/public-api.test.ts.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../ledger/index.js';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client, eventId } from '../helpers/api.js';
import type { TestApp } from '../helpers/app.js';
import type { Front, WebWorld } from './front.js';
import { openLiveWorld } from './live-front.js';

describe('the public QR page in the browser', () => {
  let world: WebWorld;
  let opened: TestApp;
  let front: Front;
  let page: Page;
  let producer: Client;
  let inspector: Client;
  let grai = '';
  let unitId = '';
  let errors: string[] = [];

  beforeAll(async () => {
    world = await openLiveWorld({}, { consoleErrors: false });
    ({ opened, front, page, errors } = world);
    producer = await Client.as(opened.app, 'producer');
    inspector = await Client.as(opened.app, 'inspector');
    const epc = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 515151 });
    const { unit } = await producer.register({ epc });
    unitId = unit.id;
    grai = unit.grai as string;
    const stored = await producer.request('POST', `/api/units/${unitId}/storage`, { eventId: eventId(), siteId: 'site-hengkang-store', bay: 'B-2' });
    expect(stored.statusCode).toBe(201);
    await opened.ctx.sequencer.idle();
  });
  afterAll(() => world?.close());

  it('shows the drum, where it is, when it was last seen, and its proof verified in the browser, without login', async () => {
    await page.goto(`${front.base}/8003/${grai}`);
    await page.locator('h1.tracked').waitFor();
    expect(page.url()).toBe(`${front.base}/8003/${grai}`); // not sent to the login page
    expect(await page.locator('[data-fact=grai] dd').textContent()).toBe(grai);
    expect(await page.locator('[data-fact=code] dd').textContent()).toBe('271-001-02');
    expect(await page.locator('[data-fact=producer] dd').textContent()).toBe('浙江恒康原料药有限公司');
    expect(await page.locator('.life-stages').getAttribute('data-stage')).toBe('producer');
    expect(await page.locator('.life-stages li.current').textContent()).toBe('在产生单位');
    expect(await page.locator('[data-fact=last-seen] dd').textContent()).toContain('入库贮存');
    await page.locator('[data-proof=verified]').waitFor();
    const lastIndex = (await opened.app.inject({ url: `/8003/${grai}` })).json().lastSeen.index;
    expect(await page.locator('[data-proof=verified]').textContent()).toContain(`第 ${lastIndex} 条`);
  });

  it('shows "not verified" when the proof it is given is bent', async () => {
    await page.route(`**/8003/${grai}`, async (route) => {
      if (route.request().resourceType() !== 'fetch') return route.continue();
      const res = await route.fetch();
      const body = await res.json();
      const lines = (body.proof as string).split('\n');
      const first = lines.findIndex((l) => /^[A-Za-z0-9+/]{43}=$/.test(l)); // the first hash of the inclusion path
      const h = fromBase64(lines[first]);
      h[0] ^= 1;
      lines[first] = toBase64(h);
      return route.fulfill({ response: res, json: { ...body, proof: lines.join('\n') } });
    });
    await page.reload();
    await page.locator('[data-proof=failed]').waitFor();
    expect(await page.locator('[data-proof=failed]').textContent()).toContain('未通过验证');
    expect(await page.locator('[data-proof=verified]').count()).toBe(0);
    await page.unroute(`**/8003/${grai}`);
    await page.reload();
    await page.locator('[data-proof=verified]').waitFor();
  });

  it('accepts a problem report and keeps it for the regulator', async () => {
    await page.selectOption('.report-form select[name=category]', 'leak');
    await page.fill('.report-form textarea[name=message]', '桶底渗漏，在厂区东门外');
    await page.click('.report-form button[type=submit]');
    const done = page.locator('.report-form .report-done');
    await done.waitFor();
    const id = await done.getAttribute('data-report');
    expect(await done.textContent()).toContain(`已收到您的报告（编号 ${id}）`);
    const reports = (await inspector.request('GET', '/api/public-reports')).json().reports;
    expect(reports).toContainEqual(expect.objectContaining({ id, grai, unitId, producerOrgId: 'org-hengkang', category: 'leak', message: '桶底渗漏，在厂区东门外' }));
    // Only the regulator reads them.
    expect((await producer.request('GET', '/api/public-reports')).statusCode).toBe(403);
    expect(errors).toEqual([]);
  });
});
