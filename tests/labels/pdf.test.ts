import { describe, expect, it } from 'vitest';
import { labelSizeMm, labelsPdf } from '../../server/labels/index.js';
import { layoutLabel } from '../../server/labels/layout.js';
import { planSheets } from '../../server/labels/pdf.js';
import { pageTexts, parseToUnicode, pdfObjects } from './pdf-text.js';
import { atSize, sample } from './fixture.js';

const A4 = '/MediaBox [0 0 595.28 841.89]';
const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;

describe('labelsPdf', () => {
  it('prints one label on one A4 page', async () => {
    const pdf = await labelsPdf([sample]);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toMatch(/%%EOF\s*$/);
    expect(pageCount(pdf)).toBe(1);
    expect(pdf.toString('latin1')).toContain(A4);
  });

  it.each([
    ['5 × 100 mm (two to a page)', [10, 10, 10, 10, 10], 3],
    ['3 × 150 mm (one to a page)', [200, 200, 200], 3],
    ['2 × 200 mm', [450, 5000], 2],
    ['150 + 100 share a page, then 100, then 200', [200, 10, 10, 1000], 3],
  ])('%s', async (_, volumes, pages) => {
    const pdf = await labelsPdf(volumes.map((v) => atSize(v)));
    expect(pageCount(pdf)).toBe(pages);
    expect(pdf.toString('latin1').split(A4).length - 1).toBe(pages);
  });

  it('rejects an empty list', async () => {
    await expect(labelsPdf([])).rejects.toThrow(RangeError);
  });

  it('embeds the CJK font with ToUnicode maps, so the Chinese text can be extracted again', async () => {
    const pdf = await labelsPdf([atSize(10, { hazards: ['T', 'C', 'I', 'R', 'In'] })]);
    const objs = [...pdfObjects(pdf).values()];
    const fonts = objs.filter((o) => /\/Subtype \/Type0/.test(o.dict));
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.dict).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-(Regular|Bold)/);
      expect(f.dict).toMatch(/\/ToUnicode \d+ 0 R/);
    }
    const files = objs.filter((o) => /\/FontFile2 \d+ 0 R/.test(o.dict));
    expect(files.length).toBe(fonts.length); // every CJK font is embedded
    const mapped = new Set(objs.filter((o) => o.stream && /begincmap/.test(o.stream.toString('latin1')))
      .flatMap((o) => [...parseToUnicode(o.stream!.toString('latin1')).values()]));
    for (const ch of '危险废物含有机溶剂的精馏残渣毒性腐蚀性易燃性反应性感染性') expect(mapped).toContain(ch);

    const [text] = pageTexts(pdf);
    for (const s of ['危险废物', '废物名称：含有机溶剂的精馏残渣', '废物代码：271-001-02', '废物类别：HW02', '废物形态：半固态',
      '产生日期：2024-05-01', '产生单位：浙江省某化工园区制药有限公司', '联系人及电话：张工 0571-8888 6666',
      '危险特性毒性腐蚀性易燃性反应性感染性', `数字识别码：${sample.identificationCode}`, '注意事项：密封保存']) {
      expect(text).toContain(s);
    }
  });

  it('keeps every page text per label, in order', async () => {
    const pdf = await labelsPdf([atSize(10, { wasteName: '甲' }), atSize(10, { wasteName: '乙' }), atSize(10, { wasteName: '丙' })]);
    const texts = pageTexts(pdf);
    expect(texts).toHaveLength(2);
    expect(texts[0].indexOf('废物名称：甲')).toBeLessThan(texts[0].indexOf('废物名称：乙'));
    expect(texts[1]).toContain('废物名称：丙');
  });
});

describe('sheet plan', () => {
  it('places labels at true size inside A4 margins, with cut gaps and no overlap', () => {
    const volumes = [10, 200, 10, 1000, 10, 10, 200, 450, 10];
    const pages = planSheets(volumes.map((v) => layoutLabel(atSize(v))));
    expect(pages.flat()).toHaveLength(volumes.length);
    expect(pages.flat().map((p) => p.drawing.sizeMm)).toEqual(volumes.map(labelSizeMm)); // input order kept
    for (const page of pages) {
      for (const a of page) {
        const s = a.drawing.sizeMm;
        expect(a.x).toBeGreaterThanOrEqual(5 - 1e-9);
        expect(a.y).toBeGreaterThanOrEqual(5 - 1e-9);
        expect(a.x + s).toBeLessThanOrEqual(205 + 1e-9);
        expect(a.y + s).toBeLessThanOrEqual(292 + 1e-9);
        for (const b of page) {
          if (a === b) continue;
          const apart = a.x + s + 6 <= b.x + 1e-9 || b.x + b.drawing.sizeMm + 6 <= a.x + 1e-9 ||
            a.y + s + 6 <= b.y + 1e-9 || b.y + b.drawing.sizeMm + 6 <= a.y + 1e-9;
          expect(apart).toBe(true);
        }
      }
    }
  });
});
