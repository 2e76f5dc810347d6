import { describe, expect, it } from 'vitest';
import { graiDigitalLink, parseDigitalLinkPath } from '../../../server/units/identifiers/digital-link.js';
import { decodeGrai96, encodeGrai96 } from '../../../server/units/identifiers/epc.js';
import { GraiError } from '../../../server/units/identifiers/errors.js';
import { formatGrai, gs1CheckDigit, parseGrai } from '../../../server/units/identifiers/gs1.js';
import { rng } from './rng.js';

// devices.md §3.3: filler 0, 6901234 + 00017, check digit 7, serial 1000001.
const GRAI = '069012340001771000001';
const LINK = 'https://id.example.cn/8003/069012340001771000001';

function graiError(code: string, fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GraiError);
    expect((e as GraiError).code).toBe(code);
    return (e as Error).message;
  }
  throw new Error(`expected ${code}, nothing thrown`);
}

describe('GS1 check digit', () => {
  it('matches known GS1 keys', () => {
    expect(gs1CheckDigit('629104150021')).toBe(3); // GTIN-13 6291041500213
    expect(gs1CheckDigit('950110153000')).toBe(3); // GTIN-13 9501101530003
    expect(gs1CheckDigit('8061414112345')).toBe(8); // GTIN-14 of the TDS SGTIN-96 example
    expect(gs1CheckDigit('0008061414112345')).toBe(8); // leading zeros do not matter
    expect(gs1CheckDigit('0')).toBe(0);
    expect(() => gs1CheckDigit('12a')).toThrow(TypeError);
  });
});

describe('graiDigitalLink', () => {
  it('builds the worked example', () => {
    expect(graiDigitalLink('https://id.example.cn', GRAI)).toBe(LINK);
    expect(graiDigitalLink('https://id.example.cn/', GRAI)).toBe(LINK);
    expect(graiDigitalLink('https://ID.Example.CN', GRAI)).toBe(LINK);
  });

  it('keeps a resolver path prefix', () => {
    expect(graiDigitalLink('https://id.example.cn/dl/', GRAI)).toBe('https://id.example.cn/dl/8003/069012340001771000001');
    expect(graiDigitalLink('http://localhost:8080', GRAI)).toBe('http://localhost:8080/8003/069012340001771000001');
  });

  it('links the GRAI of a decoded tag: QR and UHF tag reach the same record', () => {
    const tag = decodeGrai96('3315A537C8000440000F4241');
    expect(graiDigitalLink('https://id.example.cn', tag.grai)).toBe(LINK);
  });

  it('percent-encodes serial characters that are not URI-safe', () => {
    const grai = formatGrai('690123400017', 'A/B%C?D_');
    expect(grai).toBe('06901234000177A/B%C?D_');
    const link = graiDigitalLink('https://id.example.cn', grai);
    expect(link).toBe('https://id.example.cn/8003/06901234000177A%2FB%25C%3FD_');
    expect(parseDigitalLinkPath(new URL(link).pathname).grai).toBe(grai);
  });

  it('refuses a bad base', () => {
    for (const base of ['id.example.cn', '', 'ftp://id.example.cn', 'https://id.example.cn/?x=1', 'https://id.example.cn/#top', 'https://u:p@id.example.cn', 'javascript:alert(1)']) {
      graiError('DIGITAL_LINK_BASE', () => graiDigitalLink(base, GRAI));
    }
  });

  it('refuses an invalid GRAI', () => {
    graiError('GRAI_FILLER', () => graiDigitalLink('https://id.example.cn', '69012340001771000001'));
    graiError('GRAI_CHECK_DIGIT', () => graiDigitalLink('https://id.example.cn', '069012340001761000001'));
  });
});

describe('parseGrai: every validation error', () => {
  it('accepts the worked example', () => {
    expect(parseGrai(GRAI)).toEqual({ grai: GRAI, companyAndAssetType: '690123400017', checkDigit: 7, serial: '1000001' });
  });

  it('length', () => {
    expect(graiError('GRAI_LENGTH', () => parseGrai('0690123400017'))).toMatch(/14–30/);
    graiError('GRAI_LENGTH', () => parseGrai(''));
    graiError('GRAI_LENGTH', () => parseGrai(`06901234000177${'A'.repeat(17)}`)); // serial of 17
    expect(parseGrai(`06901234000177${'A'.repeat(16)}`).serial).toHaveLength(16);
  });

  it('digits', () => {
    graiError('GRAI_DIGITS', () => parseGrai('0690123400A1771000001'));
    graiError('GRAI_DIGITS', () => parseGrai(' 69012340001771000001'));
    graiError('GRAI_DIGITS', () => parseGrai(69012340001771000001 as unknown as string));
    graiError('GRAI_DIGITS', () => formatGrai('69012340001', '1'));
  });

  it('the mandatory 0 filler (epc-tds toBarcode() output lacks it)', () => {
    expect(graiError('GRAI_FILLER', () => parseGrai('69012340001771000001'))).toMatch(/filler digit 0/);
  });

  it('check digit, for every wrong digit', () => {
    for (let d = 0; d <= 9; d++) {
      if (d === 7) continue;
      expect(graiError('GRAI_CHECK_DIGIT', () => parseGrai(`0690123400017${d}1000001`))).toMatch(/expected 7/);
    }
  });

  it('serial', () => {
    for (const s of ['10 01', 'ABC#', 'é', '~1', '[1]', '\u0000']) graiError('GRAI_SERIAL', () => parseGrai(`06901234000177${s}`));
    expect(graiError('GRAI_SERIAL', () => parseGrai('06901234000177'))).toMatch(/no serial/);
    expect(parseGrai('06901234000177', { requireSerial: false }).serial).toBe('');
    expect(parseGrai(`06901234000177!"%&'()*+,-./:;`).serial).toBe(`!"%&'()*+,-./:;`);
    graiError('GRAI_SERIAL', () => formatGrai('690123400017', 'x'.repeat(17)));
  });
});

describe('parseDigitalLinkPath', () => {
  it('reads the route /8003/{grai}', () => {
    expect(parseDigitalLinkPath('/8003/069012340001771000001')).toMatchObject({ grai: GRAI, serial: '1000001' });
  });

  it('ignores query and fragment, allows a path prefix and whole URLs', () => {
    for (const p of ['/8003/069012340001771000001?linkType=gs1:pip', '/8003/069012340001771000001#x', '/dl/v1/8003/069012340001771000001', LINK, `${LINK}?linkType=all`]) {
      expect(parseDigitalLinkPath(p).grai).toBe(GRAI);
    }
  });

  it('refuses other shapes', () => {
    for (const p of ['/8004/6901234202611280001', '/8003/', '/8003', '8003/069012340001771000001', '/8003/069012340001771000001/', '/8003/069012340001771000001/21/1', '/', '', 'https://id.example.cn/', 'https://', 'https://[bad/8003/1']) {
      graiError('DIGITAL_LINK_PATH', () => parseDigitalLinkPath(p));
    }
    graiError('DIGITAL_LINK_PATH', () => parseDigitalLinkPath(undefined as unknown as string));
  });

  it('refuses bad percent-encoding', () => {
    graiError('DIGITAL_LINK_ENCODING', () => parseDigitalLinkPath('/8003/06901234000177%E0%A4%A'));
    graiError('DIGITAL_LINK_ENCODING', () => parseDigitalLinkPath('/8003/06901234000177%ZZ'));
  });

  it('validates the GRAI it finds', () => {
    graiError('GRAI_CHECK_DIGIT', () => parseDigitalLinkPath('/8003/069012340001761000001'));
    graiError('GRAI_FILLER', () => parseDigitalLinkPath('/8003/69012340001771000001'));
    graiError('GRAI_LENGTH', () => parseDigitalLinkPath('/8003/0690123400017'));
    graiError('GRAI_SERIAL', () => parseDigitalLinkPath('/8003/06901234000177'));
    graiError('GRAI_SERIAL', () => parseDigitalLinkPath('/8003/06901234000177A%20B'));
  });
});

describe('Digital Link round trips over random values', () => {
  const seed = 8003;
  const CSET82 = `0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!"%&'()*+,-./:;<=>?_`;
  it(`GRAI → link → path → GRAI (seed ${seed})`, () => {
    expect(CSET82).toHaveLength(82);
    const r = rng(seed);
    for (let i = 0; i < 3000; i++) {
      const twelve = r.digits(12);
      const serial = Array.from({ length: r.int(1, 16) }, () => r.pick(CSET82)).join('');
      const grai = formatGrai(twelve, serial);
      const link = graiDigitalLink('https://id.example.cn/r', grai);
      expect(link).toMatch(/^https:\/\/id\.example\.cn\/r\/8003\/0\d{13}[0-9A-Za-z\-._%]+$/);
      const url = new URL(link);
      expect(parseDigitalLinkPath(url.pathname)).toEqual({ grai, companyAndAssetType: twelve, checkDigit: gs1CheckDigit(twelve), serial });
      expect(parseDigitalLinkPath(link).grai).toBe(grai);
    }
  });

  it(`GRAI-96 tag → GRAI → link → GRAI (seed ${seed})`, () => {
    const r = rng(seed + 1);
    for (let i = 0; i < 1000; i++) {
      const cpLen = r.int(6, 12);
      const hex = encodeGrai96({ companyPrefix: r.digits(cpLen), assetType: r.digits(12 - cpLen), serial: r.int(0, 2 ** 38 - 1) });
      const tag = decodeGrai96(hex);
      expect(parseDigitalLinkPath(graiDigitalLink('https://id.example.cn', tag.grai))).toMatchObject({
        grai: tag.grai,
        companyAndAssetType: tag.companyPrefix + tag.assetType,
        serial: tag.serial,
      });
    }
  });

  it(`every single-digit corruption of the key is caught by the check digit (seed ${seed})`, () => {
    const r = rng(seed + 2);
    let caught = 0;
    for (let i = 0; i < 3000; i++) {
      const at = r.int(1, 13); // inside the check-digit-protected part
      const c = r.pick('0123456789');
      const bad = GRAI.slice(0, at) + c + GRAI.slice(at + 1);
      if (bad === GRAI) continue;
      // mod-10 with weights 3/1 catches every single-digit substitution
      graiError('GRAI_CHECK_DIGIT', () => parseGrai(bad));
      caught++;
    }
    expect(caught).toBeGreaterThan(2000);
  });
});
