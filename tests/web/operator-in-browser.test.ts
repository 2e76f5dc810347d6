// The operator's pages in real headless Chromium against a test app. Two loads reach org-dongxin
// through the API; the gate camera sees the first on its own van (with a picture, then the
// weighbridge reads it) and the second on the carrier's tanker. The operator sees both trucks,
// confirms the tanker's arrival with the plate marked as not the manifest's, receives the first
// load (scans each drum by EPC, by keyboard wedge and by QR URL, weighs by hand and from the scale,
// refuses one drum with a reason, signs), records treatment (a method outside the licence refused
// as problem+json first), and sends the refused drum back; each step checked through the API too.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../ledger/index.js';
import { Client } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { sharedWebBuild } from '../helpers/web-build.js';
import { DRIVERS } from '../helpers/databases.js';
import { openWebWorld, type Front, type WebWorld } from './front.js';
import { gateSighting, loadOnItsWay, TANKER, VAN, weighbridgeReading } from './operator-load.js';

// The PostgreSQL server when the run has one (TEST_DATABASE_URL), PGlite otherwise.
const driver = DRIVERS.at(-1)!;

describe(`the operator in the browser (${driver})`, () => {
  let world: WebWorld;
  let opened: TestApp;
  let front: Front;
  let page: Page;
  let api: Client;
  let errors: string[] = [];
  let tankerLoad: Awaited<ReturnType<typeof loadOnItsWay>>; // B: one drum, arrives on the wrong vehicle
  let load: Awaited<ReturnType<typeof loadOnItsWay>>; // A: three drums, on its van
  const card = (id: string) => page.locator(`article.truck[data-manifest="${id}"]`);
  const row = (unitId: string) => page.locator(`table.receipt tr[data-unit="${unitId}"]`);
  const unitEntries = async (unitId: string, type: string) =>
    (await opened.ctx.db.sql.query<{ body: Uint8Array }>('SELECT body FROM ledger_entries WHERE unit_id = $1 AND type = $2 ORDER BY idx', [unitId, type])).map((r) => JSON.parse(fromUtf8(r.body)));

  beforeAll(async () => {
    const built = sharedWebBuild(); // while the data is made; openWebWorld then finds it built
    opened = await openTestApp(driver, { findings: true });
    tankerLoad = await loadOnItsWay(opened.app, 1);
    load = await loadOnItsWay(opened.app, 3); // made last: the camera matches the van to this one
    await built;
    world = await openWebWorld(opened);
    ({ front, page, errors } = world);
    api = await Client.as(opened.app, 'operator');
    // Real JPEGs, drawn by the browser, as the gate camera's pictures.
    await page.goto(`${front.base}/login`);
    const jpeg = async (colour: string) =>
      Buffer.from(
        await page.evaluate((c) => {
          const canvas = Object.assign(document.createElement('canvas'), { width: 160, height: 90 });
          const g = canvas.getContext('2d')!;
          g.fillStyle = c;
          g.fillRect(0, 0, 160, 90);
          return canvas.toDataURL('image/jpeg').split(',')[1];
        }, colour),
        'base64',
      );
    await gateSighting(opened.app, VAN, await jpeg('#2a6'));
    await opened.ctx.sequencer.idle();
    await weighbridgeReading(opened.ctx, '15600');
    await gateSighting(opened.app, TANKER, await jpeg('#a62'));
    await opened.ctx.sequencer.idle();
  });
  afterAll(() => (world ?? opened)?.close());

  it('logs in and sees the incoming trucks: the van with its picture, plate and weighbridge reading; the tanker unclaimed', async () => {
    await page.fill('input[name=username]', 'operator');
    await page.fill('input[name=password]', 'operator-demo');
    await page.click('button[type=submit]');
    await page.waitForURL('**/operator');
    expect(await page.locator('nav.tabs a').allTextContents()).toEqual(['到厂车辆', '处置']);
    const a = card(load.manifestId);
    await a.locator('.sighting .plate', { hasText: VAN }).waitFor();
    await expect.poll(() => a.locator('.gate-picture img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(160);
    expect(await a.locator('.weighbridge .gross').textContent()).toBe('15,600 kg');
    expect(await a.locator('.plate-mismatch').count()).toBe(0);
    expect(await a.textContent()).toContain(load.number);
    const b = card(tankerLoad.manifestId);
    expect(await b.locator('.not-seen').textContent()).toContain('尚未识别');
    const unclaimed = page.locator('.unclaimed .sighting', { hasText: TANKER });
    await expect.poll(() => unclaimed.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(160);
  });

  it('confirms the tanker\'s arrival on the plate the camera read, marked as not the manifest\'s vehicle', async () => {
    const b = card(tankerLoad.manifestId);
    await b.locator('select[name=vehiclePlate]').selectOption(TANKER);
    expect(await b.locator('.plate-warning').textContent()).toBe(`车牌与联单不符：联单车辆 ${VAN}，实际到厂 ${TANKER}`);
    await b.locator('.arrival-form button[type=submit]').click();
    await page.locator('.notice', { hasText: `联单 ${tankerLoad.number} 已确认到厂（${TANKER}）` }).waitFor();
    await b.locator('.plate-mismatch', { hasText: `实际到厂 ${TANKER}` }).waitFor();
    expect(await b.locator('.sighting .plate').textContent()).toBe(TANKER); // the tanker's sighting is now this truck's
    expect(await page.locator('.unclaimed .sighting', { hasText: TANKER }).count()).toBe(0);
    expect((await api.request('GET', `/api/manifests/${tankerLoad.manifestId}`)).json().state).toBe('arrived');
    await expect
      .poll(async () => ((await api.request('GET', '/api/findings')).json().findings as { code: string; subjects: { manifest?: string } }[]).filter((f) => f.code === 'PLATE_MISMATCH').map((f) => f.subjects.manifest))
      .toEqual([tankerLoad.manifestId]);
  });

  it('confirms the van\'s arrival and opens its receipt', async () => {
    const a = card(load.manifestId);
    expect(await a.locator('select[name=vehiclePlate]').inputValue()).toBe(VAN);
    await a.locator('.arrival-form button[type=submit]').click();
    await a.locator('a.receive-link').click();
    await page.waitForURL(`**/operator/receive/${load.manifestId}`);
    await page.locator('table.receipt tbody tr').nth(2).waitFor();
    expect(await page.locator('.scan-count').textContent()).toBe('已扫描 0/3 桶');
  });

  it('scans each drum (typed EPC, keyboard wedge, QR URL), weighs them, refuses one with a reason, and signs', async () => {
    const [u1, u2, u3] = load.units;
    await page.fill('input[name=scan]', u1.epc.toLowerCase());
    await page.press('input[name=scan]', 'Enter');
    await row(u1.id).locator('.scan-mark', { hasText: '已扫描' }).waitFor();
    // A keyboard-wedge reader types into the focused field and ends with Enter.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('scan');
    await page.keyboard.type(`${u2.epc}\n`);
    await row(u2.id).locator('.scan-mark', { hasText: '已扫描' }).waitFor();
    await page.keyboard.type('3315AAAABBBBCCCCDDDDEEEE\n');
    expect(await page.locator('.scan-note').textContent()).toBe('不在此联单上：3315AAAABBBBCCCCDDDDEEEE');
    await page.keyboard.type(`http://localhost:8080/8003/${u3.grai}\n`);
    await row(u3.id).locator('.scan-mark', { hasText: '已扫描' }).waitFor();
    expect(await page.locator('.scan-count').textContent()).toBe('已扫描 3/3 桶');

    // Drum 1 weighed by hand; drum 2 on the scale (its reading comes through the gateway).
    await row(u1.id).locator('input[name=grossKg]').fill('209.6');
    expect(await row(u1.id).locator('.net').textContent()).toContain('199.6 kg');
    expect(await page.locator('button.sign-receipt').isDisabled()).toBe(true); // drums 2 and 3 not weighed
    await weighbridgeReading(opened.ctx, '215.2');
    await page.click('button.refresh-scale');
    await row(u2.id).locator('button.use-scale', { hasText: '215.2 kg' }).click();
    expect(await row(u2.id).locator('input[name=grossKg]').inputValue()).toBe('215.2');
    // Drum 3 refused: the signature waits for a reason and a discrepancy type.
    await row(u3.id).locator('select[name=decision]').selectOption('refuse');
    expect(await page.locator('ul.missing').textContent()).toContain('拒收须填写原因和差异类型');
    await row(u3.id).locator('input[name=reason]').fill('桶身破损渗漏');
    await row(u3.id).locator('select[name=discrepancy]').selectOption('quantity');
    expect(await page.locator('.outcome strong').textContent()).toBe('部分接收');
    await page.click('button.sign-receipt');
    await page.locator('.notice', { hasText: `联单 ${load.number} 已签收：部分接收` }).waitFor();
    await page.locator('h1 .badge', { hasText: '已接收' }).waitFor();

    expect((await api.request('GET', `/api/manifests/${load.manifestId}`)).json().state).toBe('received');
    const units = (await api.request('GET', `/api/manifests/${load.manifestId}/units`)).json().units as { id: string; state: string }[];
    expect(units.map((u) => u.state)).toEqual(['received', 'received', 'refused']);
    expect((await unitEntries(u1.id, 'unit.received'))[0].data).toMatchObject({ manifestId: load.manifestId, grossKg: '209.6', tareKg: '10', netKg: '199.6' });
    expect((await unitEntries(u2.id, 'unit.received'))[0].data).toMatchObject({ grossKg: '215.2', netKg: '205.2' });
    expect((await unitEntries(u3.id, 'unit.refused'))[0].data).toMatchObject({ reason: '桶身破损渗漏', discrepancy: 'quantity' });
  });

  it('records treatment: a method outside the licence is refused as problem+json, then D10 for the batch', async () => {
    await page.click('nav.tabs a:has-text("处置")');
    await page.waitForURL('**/operator/treatment');
    const t = page.locator(`article.treatment[data-manifest="${load.manifestId}"]`);
    await t.locator('ul.to-treat li').nth(1).waitFor();
    await t.locator('button.pick-all').click();
    await t.locator('select[name=method]').selectOption('D1');
    await t.locator('button.treat-selected').click();
    const problem = t.locator('.problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('LICENCE_SCOPE');
    expect(await problem.textContent()).toContain('HTTP 422');
    await t.locator('select[name=method]').selectOption('D10');
    await t.locator('button.treat-selected').click();
    await page.locator('.notice', { hasText: '已记录 2 桶处置（D10）' }).waitFor();
    const units = (await api.request('GET', `/api/manifests/${load.manifestId}/units`)).json().units as { state: string }[];
    expect(units.map((u) => u.state)).toEqual(['disposed', 'disposed', 'refused']);
    expect((await unitEntries(load.units[0].id, 'unit.disposed'))[0].data).toMatchObject({ method: 'D10', licenceId: 'lic-dongxin' });
    expect((await api.request('GET', `/api/manifests/${load.manifestId}`)).json().state).toBe('received'); // the refused drum is still here
  });

  it('sends the refused drum back to its producer, which closes the manifest', async () => {
    const form = page.locator(`article.treatment[data-manifest="${load.manifestId}"] form.onward-form`);
    await form.locator('select[name=transporter]').selectOption('org-anyun');
    await form.locator('select[name=vehicle]').selectOption(VAN);
    await form.locator('button.send-on').click();
    await page.locator('.notice', { hasText: '已签字转移联单' }).waitFor();
    expect((await api.request('GET', `/api/manifests/${load.manifestId}`)).json().state).toBe('closed');
    const onward = ((await api.request('GET', '/api/manifests?state=signed')).json().manifests as { onwardOf: string; receiverOrgId: string; unitIds: string[] }[]).find((m) => m.onwardOf === load.manifestId);
    expect(onward).toMatchObject({ receiverOrgId: 'org-hengkang', unitIds: [load.units[2].id] });
  });

  it('switches to English and back', async () => {
    await page.click('header button.lang-switch');
    await page.locator('nav.tabs a', { hasText: 'Incoming trucks' }).waitFor();
    await page.click('nav.tabs a:has-text("Incoming trucks")');
    await card(tankerLoad.manifestId).locator('.plate-mismatch', { hasText: `Plate does not match the manifest: manifest vehicle ${VAN}, arrived ${TANKER}` }).waitFor();
    await page.click('header button.lang-switch');
    await page.locator('nav.tabs a', { hasText: '到厂车辆' }).waitFor();
    expect(errors).toEqual([]);
  });
});
