import { describe, expect, it } from 'vitest';
import { DEFAULT_MANIFEST_NUMBER, formatManifestNumber, ManifestNumberError } from '../../server/custody/manifest-number.js';

const f = { template: DEFAULT_MANIFEST_NUMBER, province: '33' };

describe('manifest numbers', () => {
  it('formats the default: province, day in China Standard Time, six-digit sequence', () => {
    expect(formatManifestNumber(f, new Date('2026-11-28T03:00:00Z'), 42)).toBe('3320261128000042');
    // 17:00 UTC is already the next day in Zhejiang
    expect(formatManifestNumber(f, new Date('2026-11-28T17:00:00Z'), 1)).toBe('3320261129000001');
  });

  it('follows another template', () => {
    expect(formatManifestNumber({ template: 'ZJ-{YY}{MM}{DD}-{SEQ:4}', province: '33' }, new Date('2026-01-05T00:00:00Z'), 7)).toBe('ZJ-260105-0007');
  });

  it('refuses templates that cannot be unique, and sequences that do not fit', () => {
    const at = new Date('2026-11-28T03:00:00Z');
    expect(() => formatManifestNumber({ template: '{PROVINCE}{YYYY}{MM}{SEQ:6}', province: '33' }, at, 1)).toThrow(/\{MM\} and \{DD\}/);
    expect(() => formatManifestNumber({ template: '{YYYY}{MM}{DD}', province: '33' }, at, 1)).toThrow(/exactly one \{SEQ:n\}/);
    expect(() => formatManifestNumber({ template: '{YYYY}{MM}{DD}{SEQ:3}{X}', province: '33' }, at, 1)).toThrow(/unknown token/);
    expect(() => formatManifestNumber({ template: DEFAULT_MANIFEST_NUMBER, province: '3' }, at, 1)).toThrow(ManifestNumberError);
    expect(() => formatManifestNumber({ template: '{YYYY}{MM}{DD}{SEQ:2}', province: '33' }, at, 100)).toThrow(/exhausted/);
    expect(() => formatManifestNumber(f, at, 0)).toThrow(ManifestNumberError);
  });
});
