// Deep imports: under NodeNext the package's `export default` d.ts does not type the CJS default.
import { Grai96 } from 'epc-tds/dist/epc/grai/grai96.js';
import { Sgtin96 } from 'epc-tds/dist/epc/sgtin/sgtin96.js';
import { Utils } from 'epc-tds/dist/epc/utils/utils.js';
import { describe, expect, it } from 'vitest';
import { EpcError } from '../../../server/units/identifiers/errors.js';
import { GRAI96_MAX_SERIAL, checkCompanyPrefix, decodeGrai96, encodeGrai96 } from '../../../server/units/identifiers/epc.js';
import { gs1CheckDigit, parseGrai } from '../../../server/units/identifiers/gs1.js';
import { rng } from './rng.js';

// devices.md §3.2 worked example (matches an independent bit-packer).
const VECTOR = { companyPrefix: '6901234', assetType: '00017', serial: 1000001 };
const VECTOR_HEX = '3315A537C8000440000F4241';

/** Independent GRAI-96 packer (TDS 2.0 GRAI-96.xml), deliberately without range checks. */
function pack(filter: number, partition: number, company: bigint, asset: bigint, serial: bigint, header = 0x33n): string {
  const companyBits = [40, 37, 34, 30, 27, 24, 20][partition] ?? 20;
  const v =
    (header << 88n) |
    (BigInt(filter) << 85n) |
    (BigInt(partition) << 82n) |
    (company << BigInt(82 - companyBits)) |
    (asset << 38n) |
    serial;
  return v.toString(16).toUpperCase().padStart(24, '0');
}

function epcError(code: string, fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EpcError);
    expect((e as EpcError).code).toBe(code);
    return (e as Error).message;
  }
  throw new Error(`expected ${code}, nothing thrown`);
}

describe('GRAI-96 worked example', () => {
  it('encodes', () => {
    expect(encodeGrai96(VECTOR)).toBe(VECTOR_HEX);
    expect(encodeGrai96({ ...VECTOR, serial: '1000001' })).toBe(VECTOR_HEX);
    expect(encodeGrai96({ ...VECTOR, serial: 1000001n })).toBe(VECTOR_HEX);
    expect(pack(0, 5, 6901234n, 17n, 1000001n)).toBe(VECTOR_HEX);
  });

  it('decodes, with the AI 8003 filler that epc-tds omits', () => {
    expect(decodeGrai96(VECTOR_HEX)).toEqual({
      hex: VECTOR_HEX,
      filter: 0,
      partition: 5,
      companyPrefix: '6901234',
      assetType: '00017',
      serial: '1000001',
      grai: '069012340001771000001',
      pureUri: 'urn:epc:id:grai:6901234.00017.1000001',
      tagUri: 'urn:epc:tag:grai-96:0.6901234.00017.1000001',
    });
    // the library itself, for contrast (devices.md §3.4 gotcha 1)
    expect(new Grai96(VECTOR_HEX).toBarcode()).toBe('69012340001771000001');
  });

  it('accepts lower-case hex and reports upper case', () => {
    expect(decodeGrai96(VECTOR_HEX.toLowerCase()).hex).toBe(VECTOR_HEX);
  });

  it('check digit 7 follows the GS1 mod-10 rule over 0 + 12 digits', () => {
    expect(gs1CheckDigit('690123400017')).toBe(7);
    expect(gs1CheckDigit('0690123400017')).toBe(7);
    expect(Utils.computeCheckDigit('690123400017')).toBe(7);
  });

  it('carries the filter value', () => {
    const hex = encodeGrai96({ ...VECTOR, filter: 5 });
    expect(hex).toBe(pack(5, 5, 6901234n, 17n, 1000001n));
    expect(decodeGrai96(hex)).toMatchObject({ filter: 5, tagUri: 'urn:epc:tag:grai-96:5.6901234.00017.1000001' });
  });

  it('handles the partition extremes: 12-digit prefix (no asset type) and 6-digit prefix', () => {
    const p0 = decodeGrai96(encodeGrai96({ companyPrefix: '069012345678', assetType: '', serial: 0 }));
    expect(p0).toMatchObject({ partition: 0, assetType: '', serial: '0', pureUri: 'urn:epc:id:grai:069012345678..0' });
    expect(p0.grai).toBe(`0069012345678${gs1CheckDigit('069012345678')}0`);
    // TDS: asset type is empty with a 12-digit prefix (cf. epcpy's vector urn:epc:id:grai:061414113245..0);
    // epc-tds renders it as "0", giving 13 digits before the check digit.
    expect(new Grai96(encodeGrai96({ companyPrefix: '069012345678', assetType: '', serial: 0 })).toIdURI()).toBe('urn:epc:id:grai:069012345678.0.0');
    const p6 = decodeGrai96(encodeGrai96({ companyPrefix: '000001', assetType: '999999', serial: GRAI96_MAX_SERIAL }));
    expect(p6).toMatchObject({ partition: 6, companyPrefix: '000001', assetType: '999999', serial: '274877906943' });
  });
});

describe('GRAI-96 decode refuses malformed reads with a clear error', () => {
  it('not 24 hex digits', () => {
    for (const bad of ['', 'ZZ', VECTOR_HEX.slice(1), `${VECTOR_HEX}0`, `${VECTOR_HEX}0000`, ` ${VECTOR_HEX}`, '3315 A537 C800 0440 000F 4241', `0x${VECTOR_HEX.slice(2)}`, VECTOR_HEX.replace('A', 'G'), '３３15A537C8000440000F4241']) {
      expect(epcError('EPC_MALFORMED', () => decodeGrai96(bad))).toMatch(/24 hex digits/);
    }
    for (const bad of [null, undefined, 42, {}, ['3315']]) epcError('EPC_MALFORMED', () => decodeGrai96(bad as unknown as string));
  });

  it('other schemes and factory EPCs', () => {
    expect(epcError('EPC_NOT_GRAI96', () => decodeGrai96('3074257BF7194E4000001A85'))).toMatch(/0x30.*SGTIN-96/);
    expect(epcError('EPC_NOT_GRAI96', () => decodeGrai96('3415A537C800002F2C92C881'))).toMatch(/GIAI-96/);
    expect(epcError('EPC_NOT_GRAI96', () => decodeGrai96('E2801160600002084E2B1C3A'))).toMatch(/unprogrammed|TID/);
    epcError('EPC_NOT_GRAI96', () => decodeGrai96('000000000000000000000000'));
  });

  it('partition 7 (epc-tds would crash on it)', () => {
    expect(epcError('EPC_INVALID_FIELD', () => decodeGrai96(pack(0, 7, 0n, 0n, 1n)))).toMatch(/partition 7/);
    expect(() => new Grai96(pack(0, 7, 0n, 0n, 1n)).toTagURI()).toThrow(TypeError);
  });

  it('company prefix or asset type beyond its digit count', () => {
    epcError('EPC_INVALID_FIELD', () => decodeGrai96(pack(0, 5, 10_000_000n, 17n, 1n))); // 8 digits in a 7-digit field
    epcError('EPC_INVALID_FIELD', () => decodeGrai96(pack(0, 5, 6901234n, 100_000n, 1n))); // 6-digit asset type
    epcError('EPC_INVALID_FIELD', () => decodeGrai96(pack(0, 0, 690123456789n, 1n, 1n))); // P=0 has no asset type
    epcError('EPC_INVALID_FIELD', () => decodeGrai96('33FFFFFFFFFFFFFFFFFFFFFF'));
    expect(decodeGrai96(pack(0, 5, 9_999_999n, 99_999n, 1n)).companyPrefix).toBe('9999999');
  });
});

describe('GRAI-96 encode validation', () => {
  const bad: [string, object][] = [
    ['5-digit prefix', { companyPrefix: '69012', assetType: '0000017' }],
    ['13-digit prefix', { companyPrefix: '6901234567890', assetType: '' }],
    ['non-digit prefix', { companyPrefix: '690123A', assetType: '00017' }],
    ['numeric prefix', { companyPrefix: 6901234, assetType: '00017' }],
    ['short asset type', { assetType: '0017' }],
    ['long asset type', { assetType: '000017' }],
    ['non-digit asset type', { assetType: '0001A' }],
    ['numeric asset type', { assetType: 17 }],
    ['serial over 2^38-1', { serial: GRAI96_MAX_SERIAL + 1 }],
    ['bigint serial over 2^38-1', { serial: 2n ** 38n }],
    ['negative serial', { serial: -1 }],
    ['negative bigint serial', { serial: -1n }],
    ['fractional serial', { serial: 1.5 }],
    ['NaN serial', { serial: Number.NaN }],
    ['leading-zero serial', { serial: '01' }],
    ['exponent serial', { serial: '1e3' }],
    ['alphanumeric serial (needs GRAI-170)', { serial: 'A1' }],
    ['empty serial', { serial: '' }],
    ['string serial over 2^38-1', { serial: '274877906944' }],
    ['filter 8', { filter: 8 }],
    ['filter -1', { filter: -1 }],
    ['fractional filter', { filter: 1.5 }],
  ];
  it.each(bad)('%s', (_, patch) => {
    epcError('EPC_INVALID_FIELD', () => encodeGrai96({ ...VECTOR, ...patch } as never));
  });
});

describe('checkCompanyPrefix', () => {
  const tag = decodeGrai96(VECTOR_HEX);
  it('passes our own tags through', () => {
    expect(checkCompanyPrefix(tag, ['6901234'])).toBe(tag);
    expect(checkCompanyPrefix(tag, new Set(['6900000', '6901234']))).toBe(tag);
  });
  it('refuses other companies, including a same-digits prefix of another length', () => {
    expect(epcError('EPC_FOREIGN_COMPANY', () => checkCompanyPrefix(tag, ['6900000']))).toMatch(/6901234, not one of ours \(6900000\)/);
    const other = decodeGrai96(encodeGrai96({ companyPrefix: '06901234', assetType: '0017', serial: 1 }));
    epcError('EPC_FOREIGN_COMPANY', () => checkCompanyPrefix(other, ['6901234']));
    expect(epcError('EPC_FOREIGN_COMPANY', () => checkCompanyPrefix(tag, []))).toMatch(/none configured/);
  });
});

describe('GRAI-96 over random values', () => {
  const seed = 96;
  it(`encode agrees with an independent packer and decode inverts it (seed ${seed})`, () => {
    const r = rng(seed);
    for (let i = 0; i < 3000; i++) {
      const partition = r.int(0, 6);
      const companyPrefix = r.digits(12 - partition);
      const assetType = r.digits(partition);
      const serial = i % 10 === 0 ? GRAI96_MAX_SERIAL - r.int(0, 3) : Math.floor(r.next() * (GRAI96_MAX_SERIAL + 1));
      const filter = r.int(0, 7);
      const hex = encodeGrai96({ companyPrefix, assetType, serial, filter });
      expect(hex).toBe(pack(filter, partition, BigInt(companyPrefix), BigInt(assetType || '0'), BigInt(serial)));
      const d = decodeGrai96(hex);
      expect(d).toMatchObject({ filter, partition, companyPrefix, assetType, serial: String(serial) });
      if (partition > 0) {
        // (at P=0 epc-tds prints a phantom asset type "0"; see the partition-extremes test)
        expect(d.tagUri).toBe(new Grai96(hex).toTagURI());
        expect(d.grai).toBe(`0${new Grai96(hex).toBarcode()}`);
      }
      expect(gs1CheckDigit(companyPrefix + assetType)).toBe(Utils.computeCheckDigit(companyPrefix + assetType));
      expect(parseGrai(d.grai)).toMatchObject({ companyAndAssetType: companyPrefix + assetType, serial: String(serial) });
      expect(encodeGrai96({ ...d, serial: d.serial })).toBe(hex);
    }
  });

  it(`random 96-bit reads never crash: they decode or throw an EpcError (seed ${seed})`, () => {
    const r = rng(seed + 1);
    let decoded = 0;
    for (let i = 0; i < 5000; i++) {
      const hex = (i % 2 ? '33' : r.hex(2)) + r.hex(22);
      try {
        const d = decodeGrai96(hex);
        decoded++;
        expect(encodeGrai96({ ...d })).toBe(hex.toUpperCase());
      } catch (e) {
        expect(e).toBeInstanceOf(EpcError);
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});

describe('epc-tds agrees on the TDS SGTIN-96 example (sanity of the library we wrap)', () => {
  it('3074257BF7194E4000001A85', () => {
    const sgtin = new Sgtin96('3074257BF7194E4000001A85');
    expect(sgtin.toIdURI()).toBe('urn:epc:id:sgtin:0614141.812345.6789');
    expect(sgtin.toBarcode()).toBe(`8061414112345${gs1CheckDigit('8061414112345')}`);
  });
});
