// A whole manifest played through the four roles' pages in real headless Chromium, each role in
// its own browser context, logged in through the login page as the demo user. The producer
// registers three drums, binds their tags (EPC typed), weighs and stores them, drafts a manifest
// to org-dongxin on the anyun van by picking them from storage, and signs it; the driver, on a
// phone, finds it in today's pickups, scans each drum (EPC, label URL), signs the pickup and departs; the
// operator sees the truck at the gate, records its arrival, receives by scanning and weighing each
// drum, accepts all, signs and records treatment (which closes the manifest); the inspector opens
// the manifest's timeline, sees each entry's ledger index and verifies the evidence bundle (green).
// After each role's part the API says the same as the page: states, and the sealed entries.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, fromUtf8, verifyEvidence, type EvidenceBundle } from '../../ledger/index.js';
import { decodeGrai96, encodeGrai96 } from '../../server/units/identifiers/epc.js';
import { Client, type Who } from '../helpers/api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, openPage, PHONE, type PageOptions } from '../helpers/browser.js';
import { plateOf } from '../helpers/park.js';
import { sharedWebBuild } from '../helpers/web-build.js';
import type { Front } from './front.js';
import { openLiveFront } from './live-front.js';
import { gateSighting, weighbridgeReading } from './operator-load.js';

const PLATE = plateOf('org-anyun');
/** The three drums: their tags (GRAI-96, the demo producer's company prefix) and weighings. */
const DRUMS = [
  { epc: encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 930_001 }), gross: '192.5', tare: '12.5', net: '180' },
  { epc: encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 930_002 }), gross: '213', tare: '12.5', net: '200.5' },
  { epc: encodeGrai96({ companyPrefix: '6901234', assetType: '00017', serial: 930_003 }), gross: '162.5', tare: '12.5', net: '150' },
];
/** What the operator's scale reads for each drum at receipt. */
const RECEIVED_GROSS = ['192.1', '213.4', '162.5'];

interface Entry {
  index: number;
  type: string;
  unit?: string;
  manifest?: string;
  data: Record<string, any>;
}

describe('a whole manifest through the four roles\' pages', () => {
  let opened: TestApp;
  let front: Front;
  let browser: Browser;
  const api = new Map<Who, Client>();
  const pages = new Map<Who, Page>();
  const errors: string[] = [];
  const ids: string[] = [];
  let manifestId = '';
  let number = '';

  /** A browser context of its own for one role, with its page's errors collected. */
  async function roleContext(who: Who, options: PageOptions = {}): Promise<void> {
    pages.set(who, (await openPage(browser, { ...options, label: who, errors })).page);
  }

  async function logIn(who: Who, password: string): Promise<Page> {
    const page = pages.get(who)!;
    await page.goto(`${front.base}/`);
    await page.waitForURL('**/login');
    await page.fill('input[name=username]', who);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`**/${who}`);
    return page;
  }

  const get = async (who: Who, url: string) => {
    const res = await api.get(who)!.request('GET', url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json();
  };
  const manifest = () => get('producer', `/api/manifests/${manifestId}`);
  const unitStates = async () => ((await get('operator', `/api/manifests/${manifestId}/units`)).units as { id: string; state: string }[]).map((u) => [u.id, u.state]);
  const history = async (unitId: string) => (await get('producer', `/api/units/${unitId}/history`)).entries as { index: number | null; type: string; sealed: boolean }[];
  /** The manifest's sealed entries (its own and its drums'), as the evidence bundle gives them. */
  const sealed = async (): Promise<Entry[]> => {
    const bundle = (await get('inspector', `/api/manifests/${manifestId}/evidence`)) as EvidenceBundle;
    return bundle.entries.map((e) => ({ index: e.index, ...JSON.parse(fromUtf8(fromBase64(e.body))) }));
  };
  const ofManifest = (entries: Entry[], type: string) => entries.filter((e) => e.type === type && e.manifest === manifestId && !e.unit);

  beforeAll(async () => {
    const built = sharedWebBuild();
    opened = await openTestApp('pglite');
    // openLiveFront: the inspector's pages keep a websocket (/live) open, which a forward by inject cannot carry.
    front = await openLiveFront(opened, await built);
    for (const who of ['producer', 'driver', 'operator', 'inspector'] as Who[]) api.set(who, await Client.as(opened.app, who));
    browser = await launchChromium();
    await roleContext('producer');
    await roleContext('driver', PHONE); // the driver's phone
    await roleContext('operator');
    await roleContext('inspector');
  });
  afterAll(async () => {
    await browser?.close();
    await front?.close();
    await opened?.close();
  });

  it('producer: registers three drums on the register page', async () => {
    const page = await logIn('producer', 'producer-demo');
    await page.click('nav.tabs a:has-text("登记")');
    await page.waitForURL('**/producer/register');
    await page.locator('select[name=wasteCode] option[value="271-001-02"]').waitFor({ state: 'attached' });
    await page.selectOption('select[name=wasteCode]', '271-001-02');
    await page.fill('input[name=name]', '精馏残渣');
    await page.selectOption('select[name=physicalForm]', '半固态');
    await page.selectOption('select[name=containerType]', '钢桶');
    await page.fill('input[name=volumeL]', '200');
    await page.fill('input[name=components]', '甲苯、二氯甲烷残渣');
    await page.fill('input[name=count]', '3');
    await page.click('form button[type=submit]');
    const links = page.locator('.notice ul.registered a');
    await links.nth(2).waitFor();
    expect(await page.locator('.notice').textContent()).toContain('已登记 3 桶');
    ids.push(...(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!.split('/').pop()!))));
    const listed = (await get('producer', '/api/units?state=registered')).units as { id: string; wasteCode: string }[];
    expect(listed.map((u) => u.id).sort()).toEqual([...ids].sort());
    expect(listed.every((u) => u.wasteCode === '271-001-02')).toBe(true);
  });

  it('producer: binds each drum\'s tag (EPC typed), weighs it and stores it', async () => {
    const page = pages.get('producer')!;
    for (const [i, id] of ids.entries()) {
      const d = DRUMS[i];
      await page.click('nav.tabs a:has-text("废物桶")');
      await page.locator(`tr[data-unit="${id}"] a`).click();
      await page.waitForURL(`**/producer/units/${id}`);
      await page.fill('.tag-form input[name=epc]', d.epc);
      await page.click('.tag-form button[type=submit]');
      await page.locator('.tag-form .notice', { hasText: d.epc }).waitFor();
      await page.fill('.weigh-form input[name=grossKg]', d.gross);
      await page.fill('.weigh-form input[name=tareKg]', d.tare);
      await page.click('.weigh-form button[type=submit]');
      await page.locator('.weigh-form .notice', { hasText: `净重 ${d.net} kg` }).waitFor();
      await page.locator('.store-form select[name=siteId] option[value="site-hengkang-store"]').waitFor({ state: 'attached' });
      await page.fill('.store-form input[name=bay]', `B-0${i + 1}`);
      await page.click('.store-form button[type=submit]');
      await page.locator('h1 .badge', { hasText: '贮存中' }).waitFor();
      expect(await page.locator('[data-fact="unit.net"] dd').textContent()).toBe(`${d.net} kg`);
      expect(await page.locator('[data-fact="col.tag"] dd').textContent()).toBe(d.epc);
    }
    for (const [i, id] of ids.entries()) {
      const u = await get('producer', `/api/units/${id}`);
      expect([u.state, u.epc, Number(u.netKg), u.storageSiteId, u.storageBay]).toEqual(['stored', DRUMS[i].epc, Number(DRUMS[i].net), 'site-hengkang-store', `B-0${i + 1}`]);
      const h = await history(id);
      expect(h.map((e) => e.type)).toEqual(['unit.registered', 'unit.tagged', 'unit.weighed', 'unit.stored']);
      expect(h.every((e) => e.sealed && Number.isInteger(e.index))).toBe(true);
    }
  });

  it('producer: drafts a manifest to org-dongxin on the anyun van from the drums picked in storage, and signs it', async () => {
    const page = pages.get('producer')!;
    await page.click('nav.tabs a:has-text("贮存")');
    await page.waitForURL('**/producer/storage');
    for (const id of ids) await page.check(`tr[data-unit="${id}"] input[type=checkbox]`);
    await page.click('button.draft-selected');
    await page.waitForURL('**/producer/manifests/new?units=*');
    for (const id of ids) {
      await page.locator(`label[data-unit="${id}"] input`).waitFor();
      expect(await page.isChecked(`label[data-unit="${id}"] input`)).toBe(true);
    }
    await page.locator('select[name=receiverOrgId] option[value="org-dongxin"]').waitFor({ state: 'attached' });
    await page.selectOption('select[name=receiverOrgId]', 'org-dongxin');
    await page.selectOption('select[name=transporter-0]', 'org-anyun');
    await page.selectOption('select[name=vehicle-0]', PLATE);
    expect(await page.locator('.manifest-form .warning').count()).toBe(0); // the licence covers the waste code
    await page.click('.manifest-form button[type=submit]');
    await page.locator('.manifest-made .notice', { hasText: '已起草' }).waitFor();
    manifestId = (await page.locator('.manifest-made').getAttribute('data-manifest'))!;
    const draft = await manifest();
    number = draft.number;
    expect(draft).toMatchObject({ state: 'draft', receiverOrgId: 'org-dongxin', legs: [{ transporterOrgId: 'org-anyun', vehiclePlate: PLATE }] });
    expect([...draft.unitIds].sort()).toEqual([...ids].sort());

    await page.click('.manifest-made button.sign-button');
    await page.locator('.manifest-made .notice', { hasText: `联单 ${number} 已签字` }).waitFor();
    await page.click('nav.tabs a:has-text("转移联单")');
    await page.locator(`tr[data-manifest="${manifestId}"] .badge`, { hasText: '已签字' }).waitFor();

    expect((await manifest()).state).toBe('signed');
    const entries = await sealed();
    expect(ofManifest(entries, 'manifest.created')).toHaveLength(1);
    expect(ofManifest(entries, 'manifest.signed').map((e) => e.data.step)).toEqual(['sign']);
  });

  it("driver: finds it in today's pickups on the phone, scans each drum (EPC, label URL), signs the pickup", async () => {
    const page = await logIn('driver', 'driver-demo');
    const card = (kind: string) => page.locator(`.load-card[data-manifest="${manifestId}"][data-kind="${kind}"]`);
    const tally = async () => [await page.locator('.tally-loaded').textContent(), await page.locator('.tally-expected').textContent(), await page.locator('.tally-missing').getAttribute('data-missing')];
    await card('pickup').waitFor();
    const text = await card('pickup').textContent();
    for (const want of [number, '今天', '3 桶', '530.5 kg', PLATE]) expect(text).toContain(want);

    await card('pickup').locator('a').click();
    await page.waitForURL(`**/driver/load/${manifestId}/pickup`);
    await expect.poll(tally).toEqual(['0', '3', '3']);
    for (const [i, d] of DRUMS.entries()) {
      // The RFID handheld types the tag's EPC into the field, then Enter; the last drum is read
      // from its label's QR instead (the GS1 Digital Link, typed as a scanner would send it).
      const read = i < 2 ? d.epc : `https://id.hazledger.example/8003/${decodeGrai96(d.epc).grai}`;
      await page.fill('input[name=scan]', read);
      await page.press('input[name=scan]', 'Enter');
      await expect.poll(tally).toEqual([String(i + 1), '3', String(2 - i)]);
      expect(await page.locator(`.drums li[data-unit="${ids[i]}"]`).getAttribute('class')).toBe('loaded');
    }
    expect(await page.locator('.tally-missing').textContent()).toBe('已全部装车');
    expect(await page.locator('.tally-kg').textContent()).toBe('已装 530.5 kg');
    await page.click('button.sign');
    await page.waitForURL('**/driver');
    await page.locator('.notice', { hasText: `联单 ${number} 提货已签字` }).waitFor();
    await expect.poll(async () => (await manifest()).state).toBe('picked_up');

    const [pickup] = ofManifest(await sealed(), 'manifest.signed').filter((e) => e.data.step === 'pick_up');
    expect(pickup.data).toMatchObject({ taken: [...ids].sort(), missing: [], vehiclePlate: PLATE });
    // the phone's outbox shows the step sealed at that ledger index
    await page.locator('.steps-list li .step-sealed', { hasText: `已上链 #${pickup.index}` }).waitFor();
    expect((await unitStates()).map(([, s]) => s)).toEqual(['loaded', 'loaded', 'loaded']);
  });

  it('driver: signs the departure', async () => {
    const page = pages.get('driver')!;
    const depart = page.locator(`.load-card[data-manifest="${manifestId}"][data-kind="departure"] button.depart`);
    await depart.click();
    await page.locator('.notice', { hasText: `联单 ${number} 已签字出发` }).waitFor();
    await expect.poll(async () => (await manifest()).state).toBe('departed');
    const [departed] = ofManifest(await sealed(), 'manifest.departed');
    expect(departed.data).toMatchObject({ vehiclePlate: PLATE });
    await page.locator('.steps-list li .step-sealed', { hasText: `已上链 #${departed.index}` }).waitFor();
    for (const id of ids) expect((await history(id)).map((e) => e.type).at(-1)).toBe('unit.loaded');
  });

  it('operator: sees the truck at the gate (plate, picture, weighbridge) and records its arrival', async () => {
    const page = pages.get('operator')!;
    // The gate camera and the weighbridge are devices, not a person's page: their readings come
    // in as the gateway sends them (a real JPEG drawn by the browser for the camera's picture).
    await page.goto(`${front.base}/login`);
    const jpeg = Buffer.from(
      await page.evaluate(() => {
        const canvas = Object.assign(document.createElement('canvas'), { width: 160, height: 90 });
        const g = canvas.getContext('2d')!;
        g.fillStyle = '#2a6';
        g.fillRect(0, 0, 160, 90);
        return canvas.toDataURL('image/jpeg').split(',')[1];
      }),
      'base64',
    );
    await gateSighting(opened.app, PLATE, jpeg);
    await opened.ctx.sequencer.idle();
    await weighbridgeReading(opened.ctx, '15600');

    await logIn('operator', 'operator-demo');
    const truck = page.locator(`article.truck[data-manifest="${manifestId}"]`);
    await truck.locator('.sighting .plate', { hasText: PLATE }).waitFor();
    expect(await truck.textContent()).toContain(number);
    await expect.poll(() => truck.locator('.gate-picture img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(160);
    expect(await truck.locator('.weighbridge .gross').textContent()).toBe('15,600 kg');
    expect(await truck.locator('.plate-mismatch').count()).toBe(0);
    expect(await truck.locator('select[name=vehiclePlate]').inputValue()).toBe(PLATE);
    await truck.locator('.arrival-form button[type=submit]').click();
    await page.locator('.notice', { hasText: `联单 ${number} 已确认到厂（${PLATE}）` }).waitFor();
    await truck.locator('a.receive-link').waitFor();

    expect((await manifest()).state).toBe('arrived');
    expect(ofManifest(await sealed(), 'manifest.arrived').map((e) => e.data.vehiclePlate)).toEqual([PLATE]);
  });

  it('operator: receives by scanning and weighing each drum, accepts all and signs', async () => {
    const page = pages.get('operator')!;
    const row = (id: string) => page.locator(`table.receipt tr[data-unit="${id}"]`);
    await page.locator(`article.truck[data-manifest="${manifestId}"] a.receive-link`).click();
    await page.waitForURL(`**/operator/receive/${manifestId}`);
    await page.locator('table.receipt tbody tr').nth(2).waitFor();
    expect(await page.locator('.scan-count').textContent()).toBe('已扫描 0/3 桶');
    for (const [i, id] of ids.entries()) {
      await page.fill('input[name=scan]', DRUMS[i].epc);
      await page.press('input[name=scan]', 'Enter');
      await row(id).locator('.scan-mark', { hasText: '已扫描' }).waitFor();
      await row(id).locator('input[name=grossKg]').fill(RECEIVED_GROSS[i]);
      expect(await row(id).locator('input[name=tareKg]').inputValue()).toBe('12.5'); // the producer's tare
    }
    expect(await page.locator('.scan-count').textContent()).toBe('已扫描 3/3 桶');
    expect(await page.locator('ul.missing li').count()).toBe(0);
    expect(await page.locator('.outcome strong').textContent()).toBe('全部接收');
    await page.click('button.sign-receipt');
    await page.locator('.notice', { hasText: `联单 ${number} 已签收：全部接收` }).waitFor();
    await page.locator('h1 .badge', { hasText: '已接收' }).waitFor();

    expect((await manifest()).state).toBe('received');
    expect((await unitStates()).map(([, s]) => s)).toEqual(['received', 'received', 'received']);
    const entries = await sealed();
    const [receipt] = ofManifest(entries, 'manifest.received');
    expect(receipt.data.outcome).toBe('accepted');
    for (const [i, id] of ids.entries()) {
      const received = entries.filter((e) => e.type === 'unit.received' && e.unit === id);
      expect(received.map((e) => e.data)).toEqual([expect.objectContaining({ manifestId, grossKg: RECEIVED_GROSS[i], tareKg: '12.5' })]);
    }
  });

  it('operator: records treatment of the three drums, which closes the manifest', async () => {
    const page = pages.get('operator')!;
    await page.click('nav.tabs a:has-text("处置")');
    await page.waitForURL('**/operator/treatment');
    const t = page.locator(`article.treatment[data-manifest="${manifestId}"]`);
    await t.locator('ul.to-treat li').nth(2).waitFor();
    await t.locator('button.pick-all').click();
    await t.locator('select[name=method]').selectOption('D10');
    await t.locator('button.treat-selected').click();
    await page.locator('.notice', { hasText: `已记录 3 桶处置（D10）。 联单 ${number} 已办结。` }).waitFor();
    await t.waitFor({ state: 'detached' }); // a closed manifest leaves the treatment list

    expect((await manifest()).state).toBe('closed');
    expect((await unitStates()).map(([, s]) => s)).toEqual(['disposed', 'disposed', 'disposed']);
    const entries = await sealed();
    for (const id of ids) expect(entries.filter((e) => e.type === 'unit.disposed' && e.unit === id).map((e) => e.data)).toEqual([expect.objectContaining({ method: 'D10', licenceId: 'lic-dongxin' })]);
    expect(ofManifest(entries, 'manifest.closed')).toHaveLength(1);
  });

  it("inspector: opens the manifest's timeline with each entry's ledger index, verifies it green", async () => {
    const page = await logIn('inspector', 'inspector-demo');
    await page.click('nav.tabs a:has-text("转移联单")');
    await page.waitForURL('**/inspector/manifests');
    await page.locator(`tr[data-manifest="${manifestId}"] .badge`, { hasText: '已办结' }).waitFor();
    await page.locator(`tr[data-manifest="${manifestId}"] a`).click();
    await page.waitForURL(`**/inspector/manifests/${manifestId}`);
    const entries = await sealed();
    const items = page.locator('.timeline li');
    await items.nth(entries.length - 1).waitFor();
    expect(await items.count()).toBe(entries.length);
    expect(await items.evaluateAll((li) => li.map((x) => Number(x.getAttribute('data-index'))))).toEqual(entries.map((e) => e.index));
    expect(await items.evaluateAll((li) => li.map((x) => x.querySelector('.ledger-index')!.textContent))).toEqual(entries.map((e) => `#${e.index}`));
    expect(await items.evaluateAll((li) => li.map((x) => x.getAttribute('data-type')))).toEqual(entries.map((e) => e.type));
    // every step of the play is on it: three drums' own steps, and the manifest's
    const count = (type: string) => entries.filter((e) => e.type === type).length;
    for (const type of ['unit.registered', 'unit.tagged', 'unit.weighed', 'unit.stored', 'unit.loaded', 'unit.received', 'unit.disposed']) expect(count(type), type).toBe(3);
    for (const type of ['manifest.created', 'manifest.departed', 'manifest.arrived', 'manifest.received', 'manifest.closed']) expect(count(type), type).toBe(1);
    expect(await page.locator('.timeline li[data-type="manifest.signed"]').allTextContents()).toEqual([expect.stringContaining('联单签发'), expect.stringContaining('司机扫描装车并签字')]);

    await page.click('button.verify');
    const panel = page.locator('.verification');
    await panel.waitFor();
    expect(await panel.getAttribute('data-verdict')).toBe('verified');
    expect(await panel.getAttribute('class')).toContain('verified');
    expect(await page.locator('.checks > li').evaluateAll((li) => li.map((x) => x.getAttribute('data-ok')))).toEqual(Array(8).fill('true'));
    expect(await panel.textContent()).toContain(`验证通过：${entries.length} 条记录均在签名账本中`);
    expect(await page.locator('.timeline li.entry-ok').count()).toBe(entries.length);
    expect(await page.locator('.timeline li.entry-bad').count()).toBe(0);
    // and the same bundle verifies in Node against the log's key
    const bundle = (await get('inspector', `/api/manifests/${manifestId}/evidence`)) as EvidenceBundle;
    expect(verifyEvidence(bundle, opened.ctx.key.vkey).breaks).toEqual([]);
  });

  it('no page logged an error', () => {
    expect(errors).toEqual([]);
  });
});
