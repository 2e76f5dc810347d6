// Issue 7 part 8: the inspector's in-browser verification of a 40-unit manifest's evidence bundle
// takes under 200 ms. The manifest is played through the API (registered, weighed, signed, picked
// up, arrived, received); the page times the ledger/ verifier itself (performance.now around the
// call, shown as data-verify-ms) and the figures are printed.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, eventId, registration, type Who } from '../helpers/api.js';
import type { TestApp } from '../helpers/app.js';
import { leg, plateOf } from '../helpers/park.js';
import type { Front, WebWorld } from './front.js';
import { openLiveWorld } from './live-front.js';

const UNITS = 40;
const RUNS = 5;

describe('the inspector verifies a 40-unit manifest in the browser', () => {
  let world: WebWorld;
  let opened: TestApp;
  let front: Front;
  let page: Page;
  let manifestId = '';
  let entries = 0;

  beforeAll(async () => {
    world = await openLiveWorld({}, { timezoneId: undefined }); // the machine's own time zone
    ({ opened, front, page } = world);
    const as = new Map<Who, Client>();
    for (const w of ['producer', 'driver', 'operator', 'inspector'] as Who[]) as.set(w, await Client.as(opened.app, w));
    const step = async (who: Who, path: string, body: object) => {
      const res = await as.get(who)!.request('POST', path, { eventId: eventId(), ...body });
      expect(res.statusCode, `${who} ${path}: ${res.body}`).toBe(201);
      return res.json();
    };
    const batch = await as.get('producer')!.request('POST', '/api/units', { units: Array.from({ length: UNITS }, () => registration()) });
    expect(batch.statusCode, batch.body).toBe(201);
    const ids = (batch.json().units as { unit: { id: string } }[]).map((u) => u.unit.id).sort();
    for (const id of ids) await step('producer', `/api/units/${id}/weighings`, { grossKg: '118', tareKg: '18', source: 'manual' });
    manifestId = (await step('producer', '/api/manifests', { receiverOrgId: 'org-dongxin', legs: [leg('org-anyun')], unitIds: ids, plannedDate: '2026-12-01' })).manifest.id;
    await step('producer', `/api/manifests/${manifestId}/signature`, {});
    await step('driver', `/api/manifests/${manifestId}/pickup`, { vehiclePlate: plateOf('org-anyun'), scannedUnitIds: ids });
    await step('operator', `/api/manifests/${manifestId}/arrival`, { vehiclePlate: plateOf('org-anyun') });
    await step('operator', `/api/manifests/${manifestId}/receipt`, { decisions: ids.map((unitId) => ({ unitId, accept: true, grossKg: '118', tareKg: '18' })) });
    await opened.ctx.sequencer.idle();
    entries = (await as.get('inspector')!.request('GET', `/api/manifests/${manifestId}/evidence`)).json().entries.length;
  });
  afterAll(() => world?.close());

  it(`verifies it in under 200 ms (${RUNS} runs, each on a freshly fetched bundle)`, async () => {
    expect(entries).toBeGreaterThanOrEqual(UNITS * 4); // registered, weighed, loaded, received for each, and the manifest's own
    await page.goto(`${front.base}/login`);
    await page.fill('input[name=username]', 'inspector');
    await page.fill('input[name=password]', 'inspector-demo');
    await page.click('button[type=submit]');
    await page.waitForURL('**/inspector');
    await page.goto(`${front.base}/inspector/manifests/${manifestId}`);
    await page.locator('.timeline li').nth(entries - 1).waitFor();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.click('button.verify');
      const panel = page.locator(`.verification[data-run="${i + 1}"]`);
      await panel.waitFor();
      expect(await panel.getAttribute('data-verdict')).toBe('verified');
      expect(await panel.textContent()).toContain(`${entries} 条记录`);
      times.push(Number(await panel.getAttribute('data-verify-ms')));
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(RUNS / 2)];
    console.log(`in-browser verification of a ${UNITS}-unit manifest (${entries} entries): first ${times[0].toFixed(1)} ms, median ${median.toFixed(1)} ms, all ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    // The median is the figure: the first run also pays for the JIT and noble's Ed25519 tables,
    // and a loaded machine moves single runs (printed above, not asserted).
    expect(median).toBeLessThan(200);
  });
});
