// China Standard Time, the ledger's calendar: an instant's day, date and times in Zhejiang, cut at
// 16:00 UTC (midnight at UTC+8), whatever offset the instant was written with. One assertion a
// row, so a wrong offset shows in every row it moves across midnight or the clock.
import { describe, expect, it } from 'vitest';
import { CST_OFFSET, CST_OFFSET_MS, cstDate, cstDay, cstIso, cstTime } from '../../server/china-time.js';

describe('the offset', () => {
  it('is eight hours', () => expect(CST_OFFSET_MS).toBe(8 * 60 * 60 * 1000));
  it('is written +08:00', () => expect(CST_OFFSET).toBe('+08:00'));
});

describe('cstDay', () => {
  it.each([
    ['2026-03-14T15:59:59.999Z', { yyyy: '2026', mm: '03', dd: '14' }], // 23:59:59.999 CST
    ['2026-03-14T16:00:00.000Z', { yyyy: '2026', mm: '03', dd: '15' }], // 00:00 CST
    ['2026-12-31T15:59:59Z', { yyyy: '2026', mm: '12', dd: '31' }],
    ['2026-12-31T16:30:00Z', { yyyy: '2027', mm: '01', dd: '01' }], // the new year comes to Zhejiang first
    ['2028-02-28T16:00:00Z', { yyyy: '2028', mm: '02', dd: '29' }], // a leap day begins
    ['2028-02-29T15:59:59Z', { yyyy: '2028', mm: '02', dd: '29' }], // and ends
    ['2028-02-29T16:00:00Z', { yyyy: '2028', mm: '03', dd: '01' }],
    ['2026-02-28T16:00:00Z', { yyyy: '2026', mm: '03', dd: '01' }], // no leap day in 2026
  ])('%s is %o', (at, day) => {
    expect(cstDay(new Date(at))).toEqual(day);
  });
});

// An instant; its date; as the ledger shows it to people; as EPCIS writes it, with the offset.
const INSTANTS = [
  ['2024-12-31T15:59:59Z', '2024-12-31', '2024-12-31 23:59:59', '2024-12-31T23:59:59.000+08:00'],
  ['2024-12-31T16:00:00Z', '2025-01-01', '2025-01-01 00:00:00', '2025-01-01T00:00:00.000+08:00'],
  ['2024-12-31T16:30:00.123456Z', '2025-01-01', '2025-01-01 00:30:00', '2025-01-01T00:30:00.123+08:00'],
  ['2025-01-01T00:30:00+08:00', '2025-01-01', '2025-01-01 00:30:00', '2025-01-01T00:30:00.000+08:00'],
  ['2024-12-31T23:59:59+08:00', '2024-12-31', '2024-12-31 23:59:59', '2024-12-31T23:59:59.000+08:00'],
  ['2024-12-31T12:00:00-05:00', '2025-01-01', '2025-01-01 01:00:00', '2025-01-01T01:00:00.000+08:00'],
  ['2028-02-28T16:00:00Z', '2028-02-29', '2028-02-29 00:00:00', '2028-02-29T00:00:00.000+08:00'],
  ['2026-11-27T20:00:00Z', '2026-11-28', '2026-11-28 04:00:00', '2026-11-28T04:00:00.000+08:00'], // the previous day in UTC
  ['2026-11-28T15:59:59.999Z', '2026-11-28', '2026-11-28 23:59:59', '2026-11-28T23:59:59.999+08:00'], // milliseconds dropped, not rounded
  ['2026-12-31T16:30:00Z', '2027-01-01', '2027-01-01 00:30:00', '2027-01-01T00:30:00.000+08:00'],
];

describe('cstDate', () => {
  it.each(INSTANTS.map(([at, day]) => [at, day]))('%s is %s in China Standard Time', (at, day) => {
    expect(cstDate(at)).toBe(day);
  });

  it('refuses a time whose day has no four-digit year', () => {
    expect(() => cstDate('9999-12-31T16:30:00Z')).toThrow(RangeError);
  });

  it('takes the last day it can', () => {
    expect(cstDate('9999-12-31T15:59:59Z')).toBe('9999-12-31');
  });
});

describe('cstTime', () => {
  it.each(INSTANTS.map(([at, , shown]) => [at, shown]))('%s shows as %s', (at, shown) => {
    expect(cstTime(at)).toBe(shown);
  });
});

describe('cstIso', () => {
  it.each(INSTANTS.map(([at, , , written]) => [at, written]))('%s is written %s', (at, written) => {
    expect(cstIso(at)).toBe(written);
  });

  it.each(INSTANTS.map(([at]) => at))('%s stays the same instant', (at) => {
    expect(Date.parse(cstIso(at))).toBe(Date.parse(at));
  });
});
