import { describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import { labelSvg } from '../../server/labels/index.js';
import { layoutLabel } from '../../server/labels/layout.js';
import { textWidth } from '../../server/labels/text.js';
import { atSize, sample } from './fixture.js';

const CAPTIONS = ['危险废物', '废物名称', '废物代码', '废物类别', '废物形态', '危险特性', '主要成分', '产生单位',
  '联系人及电话', '产生日期', '数字识别码', '注意事项'];

const unescape = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
/** All text content of the SVG, unescaped and with white space dropped (wrapped lines join up). */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1])).join('').replace(/\s+/g, '');
const squash = (s: string) => s.replace(/\s+/g, '');

describe('labelSvg', () => {
  it('is a standalone SVG sized in millimetres', async () => {
    for (const [volume, mm] of [[20, 100], [200, 150], [1000, 200]]) {
      const svg = await labelSvg(atSize(volume));
      expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain(`width="${mm}mm" height="${mm}mm" viewBox="0 0 ${mm} ${mm}"`);
      expect(new Resvg(svg).width).toBeCloseTo((mm / 25.4) * 96, 0); // resvg parses it and agrees on the size
    }
  });

  it('shows every caption and every field value', async () => {
    const data = atSize(10, { hazards: ['T', 'C', 'I', 'R', 'In'] });
    const all = texts(await labelSvg(data));
    for (const c of CAPTIONS) expect(all).toContain(c);
    for (const v of [data.wasteName, data.wasteCode, data.wasteCategory, data.physicalForm, data.components, data.producerName,
      data.producerContact, data.generationDate, data.identificationCode, data.precautions!]) expect(all).toContain(squash(v));
    for (const w of ['毒性', '腐蚀性', '易燃性', '反应性', '感染性']) expect(all).toContain(w);
  });

  it('escapes text for XML', async () => {
    const nasty = 'A<&>"\'B </text><script>x</script> &amp;';
    const svg = await labelSvg(atSize(10, { wasteName: nasty, producerName: '<产生&单位>', components: 'a\u0001b' }));
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<&>');
    expect(svg).toContain('A&lt;&amp;&gt;&quot;&apos;B');
    expect(svg).toContain('&amp;amp;');
    expect(texts(svg)).toContain(squash(nasty));
    expect(texts(svg)).toContain('<产生&单位>');
    expect(svg).not.toContain('\u0001'); // invalid in XML 1.0 even when escaped
    expect(() => new Resvg(svg)).not.toThrow();
  });

  it('lists only the hazards given, without duplicates', async () => {
    const all = texts(await labelSvg(atSize(10, { hazards: ['C', 'C'] })));
    expect(all.match(/腐蚀性/g)).toHaveLength(1);
    for (const w of ['毒性', '易燃性', '反应性', '感染性']) expect(all).not.toContain(w);
  });
});

describe('label layout keeps everything inside the border', () => {
  const long = (s: string, n: number) => Array.from({ length: n }, () => s).join('');
  const cases = {
    sample,
    'very long text': atSize(500, {
      wasteName: long('含有机溶剂的精馏残渣 ', 20), components: long('Dichloromethane 二氯甲烷 60% ', 30),
      producerName: long('浙江省某化工园区制药有限公司', 10), producerContact: long('张工 0571-8888-6666 ', 10),
      precautions: long('密封保存，远离火源。', 30), wasteCode: long('271-001-02', 4), wasteCategory: long('HW02', 10),
      physicalForm: long('半固态', 10), generationDate: long('2024-05-01', 5), identificationCode: long('9', 120),
      hazards: ['T', 'C', 'I', 'R', 'In'],
    }),
    'one unbreakable word': atSize(10, { wasteName: long('W', 400), components: long('m', 400) }),
    'empty fields': atSize(10, { wasteName: '', components: '', producerName: '', producerContact: '', precautions: undefined, hazards: [] }),
  };
  it.each(Object.entries(cases))('%s', (_, data) => {
    const { prims } = layoutLabel(data);
    const INNER = [1.6, 98.4];
    for (const p of prims) {
      if (p.k !== 'text') continue;
      const w = textWidth(p.text, p.size, p.mono);
      const x0 = p.anchor === 'middle' ? p.x - w / 2 : p.x;
      const box = { x0, x1: x0 + w, y0: p.y - 0.9 * p.size, y1: p.y + 0.2 * p.size };
      expect(box.x0, p.text).toBeGreaterThanOrEqual(INNER[0]);
      expect(box.y0, p.text).toBeGreaterThanOrEqual(INNER[0]);
      expect(box.x1, p.text).toBeLessThanOrEqual(INNER[1]);
      expect(box.y1, p.text).toBeLessThanOrEqual(INNER[1]);
      // and inside its own column: fields left of the divider at x = 70.6, hazards right of it
      if (box.x0 < 70.6) expect(box.x1, p.text).toBeLessThanOrEqual(70.6);
      expect(box.y0, p.text).toBeGreaterThan(p.text === '危险废物' ? 0 : 14);
    }
    // text lines never overlap one another
    const lines = prims.flatMap((p) => (p.k === 'text' ? [{ ...p, w: textWidth(p.text, p.size, p.mono) }] : []));
    for (const a of lines) for (const b of lines) {
      if (a === b || !a.text || !b.text) continue;
      const ax = a.anchor === 'middle' ? a.x - a.w / 2 : a.x, bx = b.anchor === 'middle' ? b.x - b.w / 2 : b.x;
      const overlapX = ax < bx + b.w - 1e-6 && bx < ax + a.w - 1e-6;
      const overlapY = a.y - 0.88 * a.size < b.y + 0.12 * b.size - 1e-6 && b.y - 0.88 * b.size < a.y + 0.12 * a.size - 1e-6;
      expect(overlapX && overlapY, `${a.text} / ${b.text}`).toBe(false);
    }
  });

  it('shrinks long text, then cuts it with an ellipsis', () => {
    const texts = layoutLabel(cases['very long text']).prims.flatMap((p) => (p.k === 'text' ? [p] : []));
    const field = texts.find((t) => t.text.startsWith('含有机溶剂'))!;
    expect(field.size).toBeLessThan(2.8);
    expect(texts.some((t) => t.text.endsWith('…'))).toBe(true);
  });
});
