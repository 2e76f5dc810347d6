// Two tabs of one session, as the browser's "Duplicate tab" makes them (sessionStorage copied):
// they hold one refresh token, good for one refresh. When both refresh at once they take turns,
// the second taking the pair the first got (session.ts), so the server never sees the spent
// token again, which it would take for a stolen copy and end every session of the login.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/api.js';
import { openTestApp } from '../helpers/app.js';
import { sharedWebBuild } from '../helpers/web-build.js';
import { openWebWorld, type WebWorld } from './front.js';

const KEY = 'hazledger.session';

describe('a session in two tabs', () => {
  let world: WebWorld;
  let first: Page;
  let second: Page;

  beforeAll(async () => {
    const built = sharedWebBuild();
    const opened = await openTestApp('pglite');
    await built;
    world = await openWebWorld(opened);
    first = world.page;
    second = await world.context.newPage();
  });
  afterAll(() => world?.close());

  it('refreshes in both at once without the server taking the second for a stolen token', async () => {
    const elsewhere = await Client.as(world.opened.app, 'producer'); // another device of the same login
    await first.goto(`${world.front.base}/`);
    await first.fill('input[name=username]', 'producer');
    await first.fill('input[name=password]', 'producer-demo');
    await first.click('button[type=submit]');
    await first.waitForURL('**/producer');
    // The duplicate: the same session copied into the second tab.
    const session = await first.evaluate((k) => sessionStorage.getItem(k)!, KEY);
    await second.goto(`${world.front.base}/login`);
    await second.evaluate(([k, v]) => sessionStorage.setItem(k, v), [KEY, session]);
    // Both due for a refresh: each asks for one as soon as it loads.
    const due = JSON.stringify({ ...JSON.parse(session), expiresAt: Date.now() });
    for (const p of [first, second]) await p.evaluate(([k, v]) => sessionStorage.setItem(k, v), [KEY, due]);
    await Promise.all([first.reload(), second.reload()]);
    for (const p of [first, second]) {
      await p.waitForURL('**/producer');
      await p.waitForLoadState('networkidle');
    }
    await new Promise((r) => setTimeout(r, 500));
    const held = await Promise.all([first, second].map((p) => p.evaluate((k) => JSON.parse(sessionStorage.getItem(k) ?? 'null'), KEY)));
    expect(held[0]?.refreshToken).toBeTruthy();
    expect(held[1]?.refreshToken).toBe(held[0].refreshToken); // one refresh, shared
    expect(held[0].refreshToken).not.toBe(JSON.parse(session).refreshToken);
    expect((await elsewhere.request('GET', '/api/me')).statusCode).toBe(200); // no session was ended
    for (const p of [first, second]) expect(p.url()).toMatch(/\/producer$/);
  });

  it('logs out the other tab of the session when one logs out', async () => {
    await first.click('header button.logout');
    await first.waitForURL('**/login');
    await second.waitForURL('**/login');
    expect(await second.evaluate((k) => sessionStorage.getItem(k), KEY)).toBeNull();
    expect(world.errors).toEqual([]);
  });
});
