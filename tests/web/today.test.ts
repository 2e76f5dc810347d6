// The web app dates what it registers and plans by the park's calendar (China Standard Time),
// not by the zone the browser happens to be set to.
import { expect, it } from 'vitest';
import { today } from '../../web/src/i18n/index.ts';

it.each([
  ['2026-03-01T15:59:59Z', '2026-03-01'],
  ['2026-03-01T16:00:00Z', '2026-03-02'],
  ['2026-03-01T23:30:00Z', '2026-03-02'],
  ['2028-02-28T20:00:00Z', '2028-02-29'],
  ['2026-12-31T16:00:00Z', '2027-01-01'],
])('at %s it is %s in Zhejiang', (now, day) => {
  expect(today(Date.parse(now))).toBe(day);
});

it('is today by the clock when not told the time', () => {
  const before = today(Date.now());
  const got = today();
  expect([before, today(Date.now())]).toContain(got);
});
