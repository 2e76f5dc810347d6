// The admin's pages in real headless Chromium against a test app: device health (last heard,
// readings, the gateway's error counts, silent devices marked), a device key made in the browser
// and enrolled (the downloaded private key then signs the device's readings, the old one no
// longer does), a proof for another device refused as problem+json, people's logins taken away
// and given, a person added (roles limited to those the organisation's kind fits), the admin's
// own password changed, the registry and a vehicle registered there, English.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signReading, type Reading } from '../../devices/gateway/reading.js';
import { reportedHealth } from '../../server/readings/health.js';
import { takeReading } from '../../server/readings/ingest.js';
import { demoPrivateJwk } from '../../server/registry/demo-people.js';
import { Client } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { sharedWebBuild } from '../helpers/web-build.js';
import { DRIVERS } from '../helpers/databases.js';
import { openWebWorld, type Front, type WebWorld } from './front.js';
import { weighbridgeReading } from './operator-load.js';

// The PostgreSQL server when the run has one (TEST_DATABASE_URL), PGlite otherwise.
const driver = DRIVERS.at(-1)!;
const DEVICE = 'dev-lvxun-rfid';

describe(`the admin in the browser (${driver})`, () => {
  let world: WebWorld;
  let opened: TestApp;
  let front: Front;
  let page: Page;
  let api: Client;
  let errors: string[] = [];
  const row = (id: string) => page.locator(`table.devices tr[data-device="${id}"]`);
  let seq = 1;
  const tagReading = async (jwk: Parameters<typeof signReading>[1]) => {
    const r: Reading = { v: 1, device: DEVICE, seq: seq++, at: new Date().toISOString(), kind: 'tag', data: { epc: '3315AAAABBBBCCCCDDDD0001' } };
    return takeReading(opened.ctx.custody, r, await signReading(r, jwk));
  };

  beforeAll(async () => {
    const built = sharedWebBuild(); // while the data is made; openWebWorld then finds it built
    opened = await openTestApp(driver);
    await weighbridgeReading(opened.ctx, '15600'); // dev-dongxin-wb is heard from; the others are silent
    await reportedHealth(opened.ctx.db.sql, 'dev-dongxin-wb', { device: 'dev-dongxin-wb', frames: 1200, errors: { BAD_CHECKSUM: 3, JUNK: 1 }, link: 'up' });
    await built;
    world = await openWebWorld(opened, { acceptDownloads: true });
    ({ front, page, errors } = world);
    api = await Client.as(opened.app, 'admin');
  });
  afterAll(() => (world ?? opened)?.close());

  it('logs in and sees every device\'s health, the silent ones marked', async () => {
    await page.goto(`${front.base}/`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'admin-demo');
    await page.click('button[type=submit]');
    await page.waitForURL('**/admin');
    expect(await page.locator('nav.tabs a').allTextContents()).toEqual(['设备', '人员与账号', '登记信息']);
    const all = (await api.request('GET', '/api/devices')).json().devices as { id: string }[];
    await expect.poll(() => page.locator('table.devices tbody tr').count()).toBe(all.length);
    const wb = row('dev-dongxin-wb');
    expect(await wb.getAttribute('class')).toBe('');
    expect(await wb.locator('.sealed').textContent()).toBe('1');
    expect(await wb.locator('.errors').textContent()).toBe('4 (BAD_CHECKSUM 3, JUNK 1)');
    expect(await wb.locator('.last-seen').textContent()).toMatch(/\d{2}:\d{2}/);
    expect(await row('dev-hengkang-rfid').getAttribute('class')).toBe('stale');
    expect(await row('dev-hengkang-rfid').locator('.stale-mark').textContent()).toBe('无数据');
    expect(await page.locator('.stale-count').textContent()).toBe(`${all.length - 1}/${all.length} 台设备超过 1 小时无数据`);
  });

  it('makes a key in the browser and enrols it: the downloaded private key signs the device\'s readings, the old one no longer does', async () => {
    await page.selectOption('.enrol-form select[name=deviceId]', DEVICE);
    await page.click('.enrol-form button.make-key');
    const link = page.locator('.enrol-form a.private-key');
    await link.waitFor();
    const jwk = JSON.parse(await page.inputValue('.enrol-form textarea[name=jwk]'));
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    const download = page.waitForEvent('download');
    await link.click();
    const file = await (await download).path();
    const privateJwk = JSON.parse(readFileSync(file, 'utf8'));
    expect(privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: expect.any(String) });

    await page.click('.enrol-form button[type=submit]');
    await page.locator('.enrol-form .notice', { hasText: `设备 ${DEVICE} 的密钥已登记` }).waitFor();
    const [d] = await opened.ctx.db.sql.query<{ public_jwk: unknown }>('SELECT public_jwk FROM devices WHERE id = $1', [DEVICE]);
    expect(typeof d.public_jwk === 'string' ? JSON.parse(d.public_jwk) : d.public_jwk).toEqual(jwk);
    expect(await tagReading(privateJwk)).toMatchObject({ status: 'kept' });
    await expect(tagReading(demoPrivateJwk(`device:${DEVICE}`))).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('refuses a proof made for another device, as problem+json', async () => {
    const jwk = await page.inputValue('.enrol-form textarea[name=jwk]');
    const proof = await page.inputValue('.enrol-form textarea[name=proof]');
    await page.selectOption('.enrol-form select[name=deviceId]', 'dev-lvxun-wb');
    await page.fill('.enrol-form textarea[name=jwk]', jwk);
    await page.fill('.enrol-form textarea[name=proof]', proof);
    await page.click('.enrol-form button[type=submit]');
    const problem = page.locator('.enrol-form .problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('SIGNATURE_INVALID');
    expect(await problem.textContent()).toContain('签名验证未通过');
    expect(await problem.textContent()).toContain('HTTP 422');
  });

  it('shows the registry: organisations with their licences, vehicles', async () => {
    await page.click('nav.tabs a:has-text("登记信息")');
    await page.waitForURL('**/admin/registry');
    const dongxin = page.locator('table.organisations tr[data-org="org-dongxin"]');
    await dongxin.waitFor();
    expect(await dongxin.textContent()).toContain('浙危废经第0362号');
    expect(await dongxin.textContent()).toContain('经营单位');
    expect(await page.locator('table.vehicles tr[data-plate="浙JA3275"]').textContent()).toContain('1,800 kg');
  });

  it('registers a vehicle from the registry page: a bad plate refused, then listed at once', async () => {
    await page.click('button.add-vehicle');
    const form = page.locator('form.vehicle-form');
    await form.locator('input[name=plate]').fill('浙J90088');
    await form.locator('select[name=orgId]').selectOption('org-taihang');
    await form.locator('select[name=kind]').selectOption('hazmat-van');
    await form.locator('input[name=ratedLoadKg]').fill('1500');
    await form.locator('input[name=roadTransportPermit]').fill('浙交运管台字331002090088号');
    await form.locator('input[name=plate]').fill('浙I90088'); // plates never use I
    await form.locator('button[type=submit]').click();
    expect(await form.locator('.problem').getAttribute('data-code')).toBe('BAD_PLATE');
    await form.locator('input[name=plate]').fill('浙J90088');
    await form.locator('button[type=submit]').click();
    await page.locator('.notice', { hasText: '车辆 浙J90088 已登记' }).waitFor();
    const row = page.locator('table.vehicles tr[data-plate="浙J90088"]');
    expect(await row.textContent()).toContain('1,500 kg');
    expect(await row.textContent()).toContain('危险货物厢式车');
  });

  it('takes a login away and gives it back from the people page; each ends the sessions before', async () => {
    const person = 'p-wu-gang';
    const earlier = await Client.as(opened.app, 'driver2');
    await page.click('nav.tabs a:has-text("人员与账号")');
    await page.waitForURL('**/admin/people');
    const row = page.locator(`table.people tr[data-person="${person}"]`);
    expect(await row.locator('.username').textContent()).toBe('driver2');
    page.once('dialog', (d) => void d.accept());
    await row.locator('button.remove-login').click();
    await page.locator('.notice', { hasText: '吴刚 的登录账号已停用' }).waitFor();
    await row.locator('.username', { hasText: '无账号' }).waitFor();
    expect((await earlier.request('GET', '/api/me')).statusCode).toBe(401);
    // The admin's own row has no buttons: their own password is changed from the header.
    expect(await page.locator('table.people tr[data-person="p-zhou-admin"] button').count()).toBe(0);

    await row.locator('button.set-login').click();
    await page.fill('.login-form input[name=username]', 'wu.gang');
    await page.fill('.login-form input[name=password]', 'wu.gang-2026-x');
    await page.click('.login-form button[type=submit]');
    expect(await page.locator('.login-form .problem').getAttribute('data-code')).toBe('WEAK_PASSWORD');
    await page.fill('.login-form input[name=password]', 'Hangzhou-bay-31');
    await page.click('.login-form button[type=submit]');
    await page.locator('.notice', { hasText: '吴刚 的账号已保存' }).waitFor();
    await row.locator('.username', { hasText: 'wu.gang' }).waitFor();
    const login = await opened.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'wu.gang', password: 'Hangzhou-bay-31' } });
    expect(login.statusCode).toBe(200);
  });

  it('adds a person from the people page, offering only the roles that fit the organisation', async () => {
    await page.click('button.add-person');
    const form = page.locator('.add-person-form');
    await form.locator('select[name=orgId]').selectOption('org-linhai-eeb');
    expect(await form.locator('select[name=role] option').allTextContents()).toEqual(['请选择', '监管部门', '管理员']);
    await form.locator('select[name=orgId]').selectOption('org-anyun');
    expect(await form.locator('select[name=role]').inputValue()).toBe('driver'); // the one role a transporter's people hold
    await form.locator('input[name=name]').fill('钱多多');
    await form.locator('input[name=username]').fill('driver');
    await form.locator('input[name=password]').fill('Taizhou-harbour-12');
    await form.locator('button[type=submit]').click();
    expect(await form.locator('.problem').getAttribute('data-code')).toBe('USERNAME_TAKEN');
    await form.locator('input[name=username]').fill('qian.duoduo');
    await form.locator('button[type=submit]').click();
    await page.locator('.notice', { hasText: '已添加 钱多多' }).waitFor();
    await page.locator('table.people tr', { hasText: '钱多多' }).locator('.username', { hasText: 'qian.duoduo' }).waitFor();
    const login = await opened.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'qian.duoduo', password: 'Taizhou-harbour-12' } });
    expect(login.statusCode).toBe(200);
  });

  it("changes the admin's own password from the header: other sessions end, this page goes on", async () => {
    await page.click('header a.password');
    await page.waitForURL('**/admin/password');
    await page.fill('.password-form input[name=currentPassword]', 'admin-demo');
    await page.fill('.password-form input[name=newPassword]', 'Lishui-tea-hills-5');
    await page.fill('.password-form input[name=again]', 'Lishui-tea-hills-6');
    await page.locator('.password-form .mismatch').waitFor();
    expect(await page.locator('.password-form button[type=submit]').isDisabled()).toBe(true);
    await page.fill('.password-form input[name=again]', 'Lishui-tea-hills-5');
    await page.click('.password-form button[type=submit]');
    await page.locator('.password-form .notice', { hasText: '密码已修改' }).waitFor();
    expect((await api.request('GET', '/api/devices')).statusCode).toBe(401); // the session from before
    await page.click('a.back');
    await page.waitForURL('**/admin');
    await expect.poll(() => page.locator('table.devices tbody tr').count()).toBeGreaterThan(0);
    const login = (password: string) => opened.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password } });
    expect((await login('admin-demo')).statusCode).toBe(401);
    expect((await login('Lishui-tea-hills-5')).statusCode).toBe(200);
  });

  it('switches to English and back', async () => {
    await page.click('header button.lang-switch');
    await page.locator('nav.tabs a', { hasText: 'Devices' }).waitFor();
    await page.click('nav.tabs a:has-text("Devices")');
    await page.locator('h1', { hasText: 'Device health' }).waitFor();
    await page.locator('tr[data-device="dev-hengkang-rfid"] .stale-mark', { hasText: 'silent' }).waitFor();
    await page.click('header button.lang-switch');
    await page.locator('nav.tabs a', { hasText: '设备' }).waitFor();
    expect(errors).toEqual([]);
  });
});
