import { describe, expect, it } from 'vitest';
import { labelSizeMm } from '../../server/labels/index.js';

describe('labelSizeMm (HJ 1276 size by container volume)', () => {
  it.each([
    [0, 100], [1, 100], [50, 100],
    [50.01, 150], [51, 150], [200, 150], [449.9, 150],
    [450, 200], [1000, 200], [30_000, 200],
  ])('%s L → %s mm', (volume, size) => expect(labelSizeMm(volume)).toBe(size));

  it('rejects volumes that are not a size', () => {
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => labelSizeMm(v)).toThrow(RangeError);
  });
});
