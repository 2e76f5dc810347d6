import { describe, expect, it } from 'vitest';
import { usccCheckChar } from '../../../server/registry/validate.js';
import { Hj1276Error } from '../../../server/units/identifiers/errors.js';
import {
  DEFAULT_HJ1276_FORMAT,
  HJ1276_VALIDATORS,
  defineHj1276Format,
  formatHj1276Code,
  hj1276Length,
  isHj1276Code,
  parseHj1276Code,
  type Hj1276Format,
} from '../../../server/units/identifiers/hj1276.js';
import { rng } from './rng.js';

const USCC = '91330604MA2D7XK3AK'; // fictional, valid check character
const base = { producerCode: USCC, wasteCode: '271-001-02', date: '2026-03-15', sequence: 7 };

/** Runs fn, asserts it throws an Hj1276Error with this code, returns the message. */
function hjError(code: string, fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Hj1276Error);
    expect((e as Hj1276Error).code).toBe(code);
    return (e as Error).message;
  }
  throw new Error(`expected ${code}, nothing thrown`);
}

describe('HJ 1276 default format (hypothesis 18 + 8 + 8 + 3)', () => {
  it('is 37 characters', () => {
    expect(hj1276Length(DEFAULT_HJ1276_FORMAT)).toBe(37);
    expect(DEFAULT_HJ1276_FORMAT.segments.map((s) => [s.name, s.length])).toEqual([
      ['producer', 18],
      ['waste', 8],
      ['date', 8],
      ['sequence', 3],
    ]);
  });

  it('formats the worked vector', () => {
    const code = formatHj1276Code(base);
    expect(code).toBe(USCC + '27100102' + '20260315' + '007');
    expect(code).toHaveLength(37);
  });

  it('parses it back into segments', () => {
    const code = USCC + '27100102' + '20260315' + '007';
    expect(parseHj1276Code(code)).toEqual({
      code,
      producerCode: USCC,
      wasteCode: '271-001-02',
      date: '2026-03-15',
      sequence: 7,
      segments: { producer: USCC, waste: '27100102', date: '20260315', sequence: '007' },
    });
    expect(isHj1276Code(code)).toBe(true);
  });

  it('accepts the waste code without dashes, and 900-000-XX codes', () => {
    expect(formatHj1276Code({ ...base, wasteCode: '27100102' })).toBe(formatHj1276Code(base));
    expect(parseHj1276Code(formatHj1276Code({ ...base, wasteCode: '900-000-49' })).wasteCode).toBe('900-000-49');
  });

  it('takes the calendar date of a Date in China Standard Time', () => {
    const at = (iso: string) => parseHj1276Code(formatHj1276Code({ ...base, date: new Date(iso) })).date;
    expect(at('2026-03-14T16:00:00Z')).toBe('2026-03-15'); // 00:00 CST
    expect(at('2026-03-14T15:59:59.999Z')).toBe('2026-03-14'); // 23:59:59.999 CST
    expect(at('2026-03-15T08:00:00+08:00')).toBe('2026-03-15');
    expect(at('2024-12-31T16:00:00Z')).toBe('2025-01-01'); // year rolls over in Beijing first
    expect(at('2024-02-28T16:00:00Z')).toBe('2024-02-29');
  });

  it('uses the full sequence range 1–999', () => {
    expect(formatHj1276Code({ ...base, sequence: 1 }).slice(-3)).toBe('001');
    expect(formatHj1276Code({ ...base, sequence: 999 }).slice(-3)).toBe('999');
  });
});

describe('HJ 1276 validation errors', () => {
  it('sequence overflow', () => {
    expect(hjError('HJ1276_SEQUENCE_OVERFLOW', () => formatHj1276Code({ ...base, sequence: 1000 }))).toMatch(/1000 does not fit 3 digits \(max 999\)/);
  });

  it('bad sequence values', () => {
    for (const sequence of [-1, 1.5, Number.NaN, Infinity, 2 ** 53, '7' as unknown as number]) {
      hjError('HJ1276_SEQUENCE', () => formatHj1276Code({ ...base, sequence }));
    }
    expect(hjError('HJ1276_SEQUENCE', () => formatHj1276Code({ ...base, sequence: 0 }))).toMatch(/from 1/);
  });

  it('bad waste codes', () => {
    for (const wasteCode of ['HW02', '271-001-2', '271001-02', '2710010', '271-001-02 ', '', ' 27100102', '２７１-001-02', 27100102 as unknown as string]) {
      expect(hjError('HJ1276_WASTE_CODE', () => formatHj1276Code({ ...base, wasteCode }))).toMatch(/271-001-02/);
    }
    expect(hjError('HJ1276_WASTE_CODE', () => formatHj1276Code({ ...base, wasteCode: '271-001-00' }))).toMatch(/category 00/);
  });

  it('bad dates', () => {
    for (const date of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-3-15', '20260315', '2026-03-15T00:00:00Z', '', new Date(Number.NaN)]) {
      hjError('HJ1276_DATE', () => formatHj1276Code({ ...base, date }));
    }
    expect(formatHj1276Code({ ...base, date: '2024-02-29' })).toContain('20240229');
    hjError('HJ1276_DATE', () => formatHj1276Code({ ...base, date: new Date('+010000-01-01T00:00:00Z') }));
  });

  it('bad producer codes', () => {
    const wrongCheck = USCC.slice(0, 17) + (USCC[17] === '0' ? '1' : '0');
    for (const producerCode of [wrongCheck, USCC.toLowerCase(), USCC.slice(0, 17), `${USCC}0`, '91330604MA2D7XK3AI', '']) {
      hjError('HJ1276_PRODUCER_CODE', () => formatHj1276Code({ ...base, producerCode }));
    }
    hjError('HJ1276_PRODUCER_CODE', () => formatHj1276Code({ ...base, producerCode: undefined as unknown as string }));
  });

  it('wrong length when parsing', () => {
    const code = formatHj1276Code(base);
    const msg = hjError('HJ1276_LENGTH', () => parseHj1276Code(code.slice(0, 36)));
    expect(msg).toMatch(/37 characters \(producer 18 \+ waste 8 \+ date 8 \+ sequence 3\), got 36/);
    hjError('HJ1276_LENGTH', () => parseHj1276Code(`${code}1`));
    hjError('HJ1276_LENGTH', () => parseHj1276Code(''));
    hjError('HJ1276_LENGTH', () => parseHj1276Code(null as unknown as string));
    expect(isHj1276Code(code.slice(1))).toBe(false);
  });

  it('each segment is checked when parsing, with its position', () => {
    const code = formatHj1276Code(base);
    const put = (at: number, s: string) => code.slice(0, at) + s + code.slice(at + s.length);
    expect(hjError('HJ1276_PRODUCER_CODE', () => parseHj1276Code(put(17, '0')))).toMatch(/characters 1–18/);
    expect(hjError('HJ1276_WASTE_CODE', () => parseHj1276Code(put(18, '271-0010')))).toMatch(/characters 19–26/);
    hjError('HJ1276_WASTE_CODE', () => parseHj1276Code(put(24, '00')));
    expect(hjError('HJ1276_DATE', () => parseHj1276Code(put(26, '20260230')))).toMatch(/characters 27–34/);
    hjError('HJ1276_DATE', () => parseHj1276Code(put(26, '2026-3-1')));
    expect(hjError('HJ1276_SEQUENCE', () => parseHj1276Code(put(34, '000')))).toMatch(/characters 35–37/);
    hjError('HJ1276_SEQUENCE', () => parseHj1276Code(put(34, '0A1')));
  });
});

describe('HJ 1276 format is configurable', () => {
  // 18 + 10 + 6 + 3 = 37 is another split that fits the standard's "4 segments, 37 characters".
  const alt: Hj1276Format = defineHj1276Format([
    { name: 'producer', length: 18, validate: HJ1276_VALIDATORS.producer },
    { name: 'waste', length: 10, validate: HJ1276_VALIDATORS.waste },
    { name: 'date', length: 6, validate: HJ1276_VALIDATORS.date },
    { name: 'sequence', length: 3, validate: HJ1276_VALIDATORS.sequence },
  ]);
  // Segments in another order and a 5-digit sequence: 8 + 6 + 18 + 5 = 37.
  const reordered = defineHj1276Format([
    { name: 'waste', length: 8, validate: HJ1276_VALIDATORS.waste },
    { name: 'date', length: 6, validate: HJ1276_VALIDATORS.date },
    { name: 'producer', length: 18, validate: HJ1276_VALIDATORS.producer },
    { name: 'sequence', length: 5, validate: HJ1276_VALIDATORS.sequence },
  ]);

  it('renders dashed waste codes and YYMMDD dates', () => {
    const code = formatHj1276Code(base, alt);
    expect(code).toBe(`${USCC}271-001-02260315007`);
    expect(parseHj1276Code(code, alt)).toMatchObject({ wasteCode: '271-001-02', date: '2026-03-15', sequence: 7 });
    // A default-format code is not an alt-format code, even at equal length.
    expect(isHj1276Code(formatHj1276Code(base), alt)).toBe(false);
  });

  it('follows the segment order and lengths', () => {
    const code = formatHj1276Code({ ...base, sequence: 12345 }, reordered);
    expect(code).toBe(`27100102260315${USCC}12345`);
    expect(parseHj1276Code(code, reordered)).toMatchObject({ producerCode: USCC, sequence: 12345, date: '2026-03-15' });
    hjError('HJ1276_SEQUENCE_OVERFLOW', () => formatHj1276Code({ ...base, sequence: 100000 }, reordered));
    hjError('HJ1276_DATE', () => formatHj1276Code({ ...base, date: '2100-01-01' }, reordered)); // YYMMDD means 20YY
  });

  it('lets a custom validator replace the USCC rule', () => {
    const loose = defineHj1276Format([
      { name: 'producer', length: 18, validate: (t) => (/^[0-9A-Z]{18}$/.test(t) ? undefined : 'not 18 alphanumerics') },
      ...DEFAULT_HJ1276_FORMAT.segments.slice(1),
    ]);
    const code = formatHj1276Code({ ...base, producerCode: 'ABCDEFGHIJKLMNOPQR' }, loose);
    expect(parseHj1276Code(code, loose).producerCode).toBe('ABCDEFGHIJKLMNOPQR');
    hjError('HJ1276_PRODUCER_CODE', () => formatHj1276Code({ ...base, producerCode: 'ABCDEFGHIJKLMNOPQ' }, loose));
  });

  it('refuses inconsistent format descriptions', () => {
    const [p, w, d, s] = DEFAULT_HJ1276_FORMAT.segments as [never, never, never, never];
    const cases: unknown[][] = [
      [p, w, d],
      [p, w, d, s, s],
      [p, w, d, p],
      [p, w, { ...(d as object), length: 7 }, s],
      [p, { ...(w as object), length: 9 }, d, s],
      [p, w, d, { ...(s as object), length: 16 }],
      [p, w, d, { ...(s as object), length: 0 }],
      [{ ...(p as object), length: 2.5 }, w, d, s],
      [p, w, d, { ...(s as object), validate: undefined }],
    ];
    for (const c of cases) hjError('HJ1276_FORMAT', () => defineHj1276Format(c as never));
    expect(Object.isFrozen(DEFAULT_HJ1276_FORMAT.segments)).toBe(true);
  });
});

describe('HJ 1276 round trips over random values', () => {
  const seed = 1276;
  it(`format → parse → format is the identity (seed ${seed})`, () => {
    const r = rng(seed);
    const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (let i = 0; i < 2000; i++) {
      const first17 = r.pick('0123456789ABCDEFGHJKLMNPQRTUWXY') + r.pick('0123456789ABCDEFGHJKLMNPQRTUWXY') + r.digits(6) + Array.from({ length: 9 }, () => r.pick(chars)).join('');
      const producerCode = first17 + usccCheckChar(first17);
      const wasteCode = `${r.digits(3)}-${r.digits(3)}-${String(r.int(1, 99)).padStart(2, '0')}`;
      const ms = r.int(Date.UTC(2000, 0, 1), Date.UTC(2099, 11, 31));
      const date = new Date(ms);
      const sequence = r.int(1, 999);
      const code = formatHj1276Code({ producerCode, wasteCode, date, sequence });
      expect(code).toHaveLength(37);
      const parts = parseHj1276Code(code);
      const cst = new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
      expect(parts).toMatchObject({ producerCode, wasteCode, date: cst, sequence });
      expect(formatHj1276Code(parts)).toBe(code);
    }
  });

  it(`random 37-character strings either parse or throw an Hj1276Error (seed ${seed})`, () => {
    const r = rng(seed + 1);
    const good = formatHj1276Code(base);
    for (let i = 0; i < 3000; i++) {
      // mutate one to three characters of a good code
      let s = good;
      for (let k = r.int(1, 3); k > 0; k--) {
        const at = r.int(0, 36);
        s = s.slice(0, at) + r.pick('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-') + s.slice(at + 1);
      }
      try {
        expect(formatHj1276Code(parseHj1276Code(s))).toBe(s);
      } catch (e) {
        expect(e).toBeInstanceOf(Hj1276Error);
      }
    }
  });
});
