// The producer's pages in real headless Chromium against a test app: log in, register drums,
// bind a tag, weigh, store, see the storage ledger (with an overdue drum), draft and sign a
// manifest; each step checked on the page and through the API. Then the language switch, the
// problem+json errors, a wrong password, logout.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client, eventId, registration } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { openWebWorld, type Front, type WebWorld } from './front.js';

const DAY = 86_400_000;
/** HH:MM of an instant in China Standard Time (UTC+8 all year), as the page shows it there. */
const cstTime = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(11, 16);

describe('the producer in the browser', () => {
  let world: WebWorld;
  let opened: TestApp;
  let front: Front;
  let context: BrowserContext;
  let page: Page;
  let api: Client;
  let errors: string[] = [];
  let unitId = '';
  let oldId = '';

  beforeAll(async () => {
    opened = await openTestApp('pglite');
    // a refused request (the wrong password's 401, a refused tag) is logged by the browser itself, not counted
    world = await openWebWorld(opened);
    ({ front, context, page, errors } = world);
    api = await Client.as(opened.app, 'producer');
  });
  afterAll(() => (world ?? opened)?.close());

  const problem = () => page.locator('.problem').first();

  it('opens on the login page in Chinese, and a wrong password shows the error', async () => {
    await page.goto(`${front.base}/`);
    await page.waitForURL('**/login');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect.poll(() => page.locator('.login h2').textContent()).toBe('登录');
    await page.fill('input[name=username]', 'producer');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await problem().waitFor();
    expect(await problem().getAttribute('data-code')).toBe('UNAUTHENTICATED');
    expect(await problem().textContent()).toContain('用户名或密码错误');
    expect(page.url()).toMatch(/\/login$/);
  });

  it('logs the demo producer in and shows the producer pages', async () => {
    await page.fill('input[name=password]', 'producer-demo');
    await page.click('button[type=submit]');
    await page.waitForURL('**/producer');
    await page.locator('header .who', { hasText: '产废单位' }).waitFor();
    expect(await page.locator('nav.tabs a').allTextContents()).toEqual(['废物桶', '登记', '贮存', '转移联单']);
  });

  it('registers a batch of two drums, with the waste code picked from the list', async () => {
    await page.click('nav.tabs a:has-text("登记")');
    await page.waitForURL('**/producer/register');
    await page.locator('select[name=wasteCode] option[value="271-001-02"]').waitFor({ state: 'attached' });
    await page.selectOption('select[name=wasteCode]', '271-001-02');
    expect(await page.isChecked('input[name=hazard-T]')).toBe(true); // from the national list
    await page.fill('input[name=name]', '精馏残渣');
    await page.selectOption('select[name=physicalForm]', '半固态');
    await page.selectOption('select[name=containerType]', '钢桶');
    await page.fill('input[name=volumeL]', '200');
    await page.fill('input[name=components]', '甲苯、二氯甲烷残渣');
    await page.fill('input[name=count]', '2');
    await page.click('form button[type=submit]');
    const links = page.locator('.notice ul.registered a');
    await links.nth(1).waitFor();
    expect(await page.locator('.notice').textContent()).toContain('已登记 2 桶');
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    const ids = hrefs.map((h) => h.split('/').pop()!);
    const listed = (await api.request('GET', '/api/units?state=registered')).json().units as { id: string; physicalForm: string; hjCode: string }[];
    expect(listed.map((u) => u.id).sort()).toEqual([...ids].sort());
    expect(listed.every((u) => u.physicalForm === '半固态')).toBe(true);
    unitId = ids[0];
  });

  it('binds the drum\'s tag by its EPC, shows the label, and shows a refused tag as problem+json', async () => {
    await page.click(`.notice a[href="/producer/units/${unitId}"]`);
    await page.waitForURL(`**/producer/units/${unitId}`);
    // a tag of another company prefix: the server refuses it, the page says why
    await page.fill('.tag-form input[name=epc]', encodeGrai96({ companyPrefix: '6999999', assetType: '00017', serial: 1 }));
    await page.click('.tag-form button[type=submit]');
    await page.locator('.tag-form .problem').waitFor();
    expect(await page.locator('.tag-form .problem').getAttribute('data-code')).toBe('BAD_TAG');
    expect(await page.locator('.tag-form .problem').textContent()).toContain('电子标签 EPC 无效');

    const epc = encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 424242 });
    await page.fill('.tag-form input[name=epc]', epc);
    await page.click('.tag-form button[type=submit]');
    await page.locator('.tag-form .notice', { hasText: epc }).waitFor();
    await expect.poll(() => page.locator('img.label-svg').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
    expect((await api.request('GET', `/api/units/${unitId}`)).json().epc).toBe(epc);

    const pdf = page.waitForResponse((r) => r.url().includes(`/api/labels.pdf?units=${unitId}`));
    const tab = context.waitForEvent('page');
    await page.click('button:has-text("打印标签（PDF）")');
    const res = await pdf;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const pdfTab = await tab; // the PDF, in a new tab, from a blob: URL
    expect(pdfTab.url()).toMatch(/^blob:/);
    await pdfTab.close(); // a background page gets no animation frames: keep ours in front
    await page.bringToFront();
    await page.locator('a.pdf-link[href^="blob:"]').waitFor();
  });

  it('records a weighing, in kg with the unit shown', async () => {
    await page.fill('.weigh-form input[name=grossKg]', '212.5');
    await page.fill('.weigh-form input[name=tareKg]', '12.5');
    expect(await page.locator('.weigh-form .net-preview').textContent()).toContain('200 kg');
    await page.click('.weigh-form button[type=submit]');
    await page.locator('.weigh-form .notice', { hasText: '净重 200 kg' }).waitFor();
    expect(await page.locator('[data-fact="unit.net"] dd').textContent()).toBe('200 kg');
    const u = (await api.request('GET', `/api/units/${unitId}`)).json();
    expect([u.grossKg, u.tareKg, u.netKg].map(Number)).toEqual([212.5, 12.5, 200]);
  });

  it('stores the drum, and shows the times in local time', async () => {
    await page.locator('.store-form select[name=siteId] option[value="site-hengkang-store"]').waitFor({ state: 'attached' });
    await page.fill('.store-form input[name=bay]', 'A-07');
    await page.click('.store-form button[type=submit]');
    await page.locator('h1 .badge', { hasText: '贮存中' }).waitFor();
    const u = (await api.request('GET', `/api/units/${unitId}`)).json();
    expect([u.state, u.storageSiteId, u.storageBay]).toEqual(['stored', 'site-hengkang-store', 'A-07']);
    expect(await page.locator('[data-fact="col.stored"] dd').textContent()).toContain(cstTime(u.storedAt));
    expect(await page.locator('[data-fact="col.registered"] dd').textContent()).toContain(cstTime(u.registeredAt));
    await expect.poll(() => page.locator('ol.history li').count()).toBeGreaterThanOrEqual(4);
  });

  it('lists it in storage, with a drum stored past the limit marked overdue', async () => {
    // One drum stored 400 days ago, through the API with the step's own time.
    const long = new Date(Date.now() - 400 * DAY).toISOString();
    oldId = (await api.register({ at: long, generationDate: long.slice(0, 10) })).unit.id;
    const stored = await api.request('POST', `/api/units/${oldId}/storage`, { eventId: eventId('store'), at: long, siteId: 'site-hengkang-store', bay: 'Z-99' });
    expect(stored.statusCode).toBe(201);

    await page.click('nav.tabs a:has-text("贮存")');
    await page.waitForURL('**/producer/storage');
    await page.locator(`tr[data-unit="${unitId}"]`).waitFor();
    expect(await page.locator('.limits').textContent()).toContain('贮存期限 365 天');
    expect(await page.locator('.limits').textContent()).toContain('1 桶已超期');
    expect(await page.locator(`tr[data-unit="${oldId}"]`).getAttribute('class')).toBe('overdue');
    expect(await page.locator(`tr[data-unit="${oldId}"] .badge`).textContent()).toBe('超期');
    expect(await page.locator(`tr[data-unit="${unitId}"]`).getAttribute('class')).toBe('');
    expect(await page.locator(`tr[data-unit="${unitId}"]`).textContent()).toContain('200 kg');
    await page.check('input[name=onlyOverdue]');
    await expect.poll(() => page.locator('table.storage tbody tr').count()).toBe(1);
    await page.uncheck('input[name=onlyOverdue]');
  });

  it('drafts a manifest with the drum picked from storage, and signs it', async () => {
    await page.check(`tr[data-unit="${unitId}"] input[type=checkbox]`);
    await page.click('button.draft-selected');
    await page.waitForURL(`**/producer/manifests/new?units=${unitId}`);
    await page.locator(`label[data-unit="${unitId}"] input`).waitFor();
    expect(await page.isChecked(`label[data-unit="${unitId}"] input`)).toBe(true);
    expect(await page.isChecked(`label[data-unit="${oldId}"] input`)).toBe(false);
    await page.selectOption('select[name=receiverOrgId]', 'org-dongxin');
    await page.selectOption('select[name=transporter-0]', 'org-anyun');
    await page.selectOption('select[name=vehicle-0]', '浙JA3275');
    await page.click('.manifest-form button[type=submit]');
    await page.locator('.manifest-made .notice', { hasText: '已起草' }).waitFor();
    const id = await page.locator('.manifest-made').getAttribute('data-manifest');
    const draft = (await api.request('GET', `/api/manifests/${id}`)).json();
    expect(draft).toMatchObject({ state: 'draft', receiverOrgId: 'org-dongxin', unitIds: [unitId], legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: '浙JA3275' }] });

    await page.click('.manifest-made button.sign-button');
    await page.locator('.manifest-made .notice', { hasText: `联单 ${draft.number} 已签字` }).waitFor();
    expect((await api.request('GET', `/api/manifests/${id}`)).json().state).toBe('signed');

    await page.click('nav.tabs a:has-text("转移联单")');
    await page.locator(`tr[data-manifest="${id}"] .badge`, { hasText: '已签字' }).waitFor();
    expect(await page.locator(`tr[data-manifest="${id}"]`).textContent()).toContain(draft.number);
  });

  it('switches to English, keeps the choice over a reload, and switches back', async () => {
    await page.click('header button.lang-switch');
    await page.locator('nav.tabs a', { hasText: 'Manifests' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en-GB');
    expect(await page.locator('header .logout').textContent()).toBe('Log out');
    await page.reload();
    await page.locator('nav.tabs a', { hasText: 'Storage' }).waitFor(); // still logged in, still English
    await page.click('nav.tabs a:has-text("Storage")');
    await page.locator('.limits', { hasText: 'Storage limit: 365 days' }).waitFor();
    await page.click('header button.lang-switch');
    await page.locator('nav.tabs a', { hasText: '贮存' }).waitFor();
  });

  it('refreshes an expired access token without asking, and logs out', async () => {
    // Make the page believe its access token is about to expire: it refreshes before the call.
    const before = await page.evaluate(() => JSON.parse(sessionStorage.getItem('hazledger.session')!).refreshToken as string);
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('hazledger.session')!);
      sessionStorage.setItem('hazledger.session', JSON.stringify({ ...s, expiresAt: Date.now() }));
    });
    await page.reload();
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/refresh') && r.status() === 200);
    await page.click('nav.tabs a:has-text("废物桶")');
    await refreshed;
    await page.locator(`tr[data-unit="${unitId}"]`).waitFor();
    const after = await page.evaluate(() => JSON.parse(sessionStorage.getItem('hazledger.session')!).refreshToken as string);
    expect(after).not.toBe(before);

    const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.click('header button.logout');
    expect((await loggedOut).status()).toBe(204);
    await page.waitForURL('**/login');
    await page.locator('.notice', { hasText: '已退出登录' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('hazledger.session'))).toBeNull();
    // The refresh token the page held is revoked on the server, not only forgotten.
    const reuse = await page.evaluate(async (refreshToken) => (await fetch('/api/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) })).status, after);
    expect(reuse).toBe(401);
    expect(errors).toEqual([]);
  });
});
