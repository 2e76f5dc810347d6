// The inspector's pages in real headless Chromium: a finding appears live (over the websocket,
// no reload) when a driver leaves a drum behind; its manifest's whole chain as a timeline with
// ledger indices; the evidence bundle verified in the browser by ledger/ (green), the same bundle
// altered on its way turns it red naming the broken check; the bundle downloads and verifies in
// Node; the risk ranking and the pick list; the finding resolved with a note.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64, verifyEvidence, type EvidenceBundle } from '../../ledger/index.js';
import { Client, eventId, type Who } from '../helpers/api.js';
import type { TestApp } from '../helpers/app.js';
import { leg, plateOf } from '../helpers/park.js';
import type { Front, WebWorld } from './front.js';
import { openLiveWorld } from './live-front.js';

describe('the inspector in the browser', () => {
  let world: WebWorld;
  let opened: TestApp;
  let front: Front;
  let page: Page;
  let errors: string[] = [];
  const as = new Map<Who, Client>();
  let manifestId = '';

  beforeAll(async () => {
    world = await openLiveWorld({ findings: true }, { acceptDownloads: true, consoleErrors: false });
    ({ opened, front, page, errors } = world);
    for (const w of ['producer', 'driver', 'inspector'] as Who[]) as.set(w, await Client.as(opened.app, w));
  });
  afterAll(() => world?.close());

  const step = async (who: Who, path: string, body: object) => {
    const res = await as.get(who)!.request('POST', path, { eventId: eventId(), ...body });
    expect(res.statusCode, `${who} ${path}: ${res.body}`).toBe(201);
    return res.json();
  };
  const bundleOf = async (id: string) => (await as.get('inspector')!.request('GET', `/api/manifests/${id}/evidence`)).json() as EvidenceBundle;

  it('logs the inspector in and shows the live findings page, connected', async () => {
    await page.goto(`${front.base}/`);
    await page.waitForURL('**/login');
    await page.fill('input[name=username]', 'inspector');
    await page.fill('input[name=password]', 'inspector-demo');
    await page.click('button[type=submit]');
    await page.waitForURL('**/inspector');
    expect(await page.locator('nav.tabs a').allTextContents()).toEqual(['实时预警', '转移联单', '风险与抽查']);
    await page.locator('[data-live=open]').waitFor();
  });

  it('shows a finding as soon as it is raised, without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const p = as.get('producer')!;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = (await p.register()).unit.id;
      await step('producer', `/api/units/${id}/weighings`, { grossKg: '118', tareKg: '18', source: 'manual' });
      ids.push(id);
    }
    const created = await step('producer', '/api/manifests', { receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: ids, plannedDate: '2026-12-01' });
    manifestId = created.manifest.id;
    await step('producer', `/api/manifests/${manifestId}/signature`, {});
    // The driver scans two of the three drums: UNIT_MISSING, raised by the finding engine.
    await step('driver', `/api/manifests/${manifestId}/pickup`, { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids.slice(0, 2) });
    const row = page.locator(`tr[data-code=UNIT_MISSING][data-manifest="${manifestId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('fresh');
    expect(await row.textContent()).toContain('联单上的桶未被扫描装车');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it("opens the manifest's whole chain as a timeline with each entry's ledger index", async () => {
    await page.locator(`tr[data-manifest="${manifestId}"] a`).click();
    await page.waitForURL(`**/inspector/manifests/${manifestId}`);
    const bundle = await bundleOf(manifestId);
    const items = page.locator('.timeline li');
    await items.first().waitFor();
    expect(await items.evaluateAll((li) => li.map((x) => Number(x.getAttribute('data-index'))))).toEqual(bundle.entries.map((e) => e.index));
    expect(await items.evaluateAll((li) => li.map((x) => x.querySelector('.ledger-index')!.textContent))).toEqual(bundle.entries.map((e) => `#${e.index}`));
    const types = await items.evaluateAll((li) => li.map((x) => x.getAttribute('data-type')));
    expect(types).toEqual(expect.arrayContaining(['unit.registered', 'unit.weighed', 'manifest.created', 'manifest.signed', 'unit.loaded']));
    const signed = page.locator('.timeline li[data-type="manifest.signed"]');
    expect(await signed.allTextContents()).toEqual([expect.stringContaining('联单签发'), expect.stringContaining('司机扫描装车并签字')]);
    expect(await signed.nth(1).textContent()).toContain('1 桶未装车');
  });

  it('verifies the evidence bundle in the browser: every check green', async () => {
    await page.click('button.verify');
    const panel = page.locator('.verification');
    await panel.waitFor();
    expect(await panel.getAttribute('data-verdict')).toBe('verified');
    expect(await page.locator('.checks > li').evaluateAll((li) => li.map((x) => [x.getAttribute('data-check'), x.getAttribute('data-ok')]))).toEqual(
      ['BUNDLE_MALFORMED', 'VKEY_NOT_TRUSTED', 'CHECKPOINT_INVALID', 'ENTRY_NOT_INCLUDED', 'ENTRY_MALFORMED', 'ENTRY_ORDER', 'CHAIN_BROKEN', 'CHAIN_INCOMPLETE'].map((c) => [c, 'true']),
    );
    expect(await page.locator('.timeline li.entry-bad').count()).toBe(0);
    expect(await panel.textContent()).toContain('验证通过');
  });

  it('turns red, naming the broken check and the entry, when the bundle is altered on its way', async () => {
    let altered = -1;
    await page.route('**/api/manifests/*/evidence', async (route) => {
      const res = await route.fetch();
      const bundle = (await res.json()) as EvidenceBundle;
      const e = bundle.entries[2];
      const body = fromBase64(e.body);
      body[body.length - 3] ^= 1; // one bit of one entry's bytes
      e.body = toBase64(body);
      altered = e.index;
      return route.fulfill({ response: res, json: bundle });
    });
    await page.click('button.verify');
    await page.locator('.verification[data-verdict=failed]').waitFor();
    expect(await page.locator('[data-check=ENTRY_NOT_INCLUDED]').getAttribute('data-ok')).toBe('false');
    expect(await page.locator('[data-check=CHECKPOINT_INVALID]').getAttribute('data-ok')).toBe('true');
    expect(await page.locator('[data-check=ENTRY_NOT_INCLUDED] .breaks').textContent()).toContain(`#${altered}`);
    expect(await page.locator(`.timeline li[data-index="${altered}"]`).getAttribute('class')).toContain('entry-bad');
    expect(await page.locator('.verification').textContent()).toContain('验证失败');
    await page.unroute('**/api/manifests/*/evidence');
    await page.click('button.verify');
    await page.locator('.verification[data-verdict=verified]').waitFor();
  });

  it('downloads the evidence bundle, which verifies offline against the log key', async () => {
    const download = page.waitForEvent('download');
    await page.click('button.download-evidence');
    const file = await (await download).path();
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    expect((await download).suggestedFilename()).toMatch(/^manifest-.+\.evidence\.json$/);
    expect(bundle).toEqual(await bundleOf(manifestId));
    expect(verifyEvidence(bundle, opened.ctx.key.vkey).breaks).toEqual([]);
  });

  it('shows the risk ranking and draws the pick list', async () => {
    await page.click('nav.tabs a:has-text("风险与抽查")');
    await page.waitForURL('**/inspector/risk');
    const risk = (await as.get('inspector')!.request('GET', '/api/inspections/risk')).json().organisations as { orgId: string }[];
    await page.locator('table.risk tbody tr').first().waitFor();
    expect(await page.locator('table.risk tbody tr').evaluateAll((tr) => tr.map((x) => x.getAttribute('data-org')))).toEqual(risk.map((o) => o.orgId));
    await page.fill('.pick-form input[name=count]', '2');
    await page.fill('.pick-form input[name=seed]', '42');
    await page.click('.pick-form button[type=submit]');
    await page.locator('.muted', { hasText: '种子：42' }).waitFor();
    const picks = (await as.get('inspector')!.request('GET', '/api/inspections/pick-list?count=2&seed=42')).json().picks as { orgId: string }[];
    expect(await page.locator('.pick-list li').evaluateAll((li) => li.map((x) => x.getAttribute('data-org')))).toEqual(picks.map((p) => p.orgId));
  });

  it('resolves the finding with a note, and it leaves the open list', async () => {
    await page.click('nav.tabs a:has-text("实时预警")');
    const row = page.locator(`tr[data-code=UNIT_MISSING][data-manifest="${manifestId}"]`);
    await row.locator('button.resolve').click();
    await row.locator('textarea[name=note]').fill('现场核查：漏装一桶，已补运');
    await row.locator('.resolve-form button[type=submit]').click();
    await row.waitFor({ state: 'detached' });
    const findings = (await as.get('inspector')!.request('GET', '/api/findings?status=resolved')).json().findings as { code: string; subjects: { manifest?: string }; resolution: string }[];
    expect(findings.find((f) => f.code === 'UNIT_MISSING' && f.subjects.manifest === manifestId)?.resolution).toBe('现场核查：漏装一桶，已补运');
    expect(errors).toEqual([]);
  });
});
