import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { woff2ToTtf } from '../../server/labels/woff2.js';
import { sliceFont, sliceOf, sliceRuns } from '../../server/labels/cjk-font.js';
import { charEm } from '../../server/labels/text.js';

interface Glyph { id: number; advanceWidth: number; path: { toSVG(): string }; bbox: { minX: number; maxX: number } }
interface Font {
  numGlyphs: number; unitsPerEm: number; postscriptName: string; type: string;
  getGlyph(id: number): Glyph; glyphForCodePoint(cp: number): Glyph; getVariation(s: Record<string, number>): Font;
}
const req = createRequire(import.meta.url);
const fontkit = createRequire(req.resolve('pdfkit'))('fontkit') as { create(b: Buffer): Font };
const slicePath = (s: string) => req.resolve(`@fontsource-variable/noto-sans-sc/files/noto-sans-sc-${s}-wght-normal.woff2`);

describe('WOFF2 decoding', () => {
  it.each(['latin', sliceOf(0x5371), sliceOf(0x6bd2)])('slice %s decodes to the same outlines fontkit reads from the WOFF2', (slice) => {
    const woff2 = readFileSync(slicePath(slice));
    const [a, b] = [fontkit.create(woff2), fontkit.create(woff2ToTtf(woff2))];
    expect(b.type).toBe('TTF');
    expect(b.numGlyphs).toBe(a.numGlyphs);
    for (let id = 0; id < a.numGlyphs; id++) {
      expect(b.getGlyph(id).path.toSVG()).toBe(a.getGlyph(id).path.toSVG());
      expect(b.getGlyph(id).advanceWidth).toBe(a.getGlyph(id).advanceWidth);
    }
  });
});

describe('static instances', () => {
  it.each([['regular', 400], ['bold', 700]] as const)('%s matches the variable font at wght %s', (weight, wght) => {
    const slice = sliceOf(0x5371); // 危
    const varied = fontkit.create(woff2ToTtf(readFileSync(slicePath(slice)))).getVariation({ wght });
    const inst = fontkit.create(sliceFont(slice, weight));
    expect(inst.postscriptName).toBe(`NotoSansSC-${weight === 'bold' ? 'Bold' : 'Regular'}`);
    for (let id = 0; id < varied.numGlyphs; id++) {
      const [v, s] = [varied.getGlyph(id), inst.getGlyph(id)];
      expect(s.advanceWidth).toBe(Math.round(v.advanceWidth));
      if (!Number.isFinite(v.bbox.minX)) continue; // empty glyph
      expect(Math.abs(s.bbox.minX - v.bbox.minX)).toBeLessThanOrEqual(1);
      expect(Math.abs(s.bbox.maxX - v.bbox.maxX)).toBeLessThanOrEqual(1);
    }
  });

  it('splits text into runs by slice', () => {
    const runs = sliceRuns('危险 HW02');
    expect(runs.map((r) => r.text).join('')).toBe('危险 HW02');
    for (const r of runs) for (const ch of r.text.trim()) expect(sliceOf(ch.codePointAt(0)!)).toBe(r.slice);
  });
});

describe('width estimates', () => {
  it('are never narrower than the embedded font', () => {
    const chars = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)),
      ...'危险废物含有机溶剂的精馏残渣，。、：（）％ＡＢ毒性'];
    for (const weight of ['regular', 'bold'] as const) {
      for (const ch of chars) {
        const font = fontkit.create(sliceFont(sliceOf(ch.codePointAt(0)!), weight));
        const em = font.glyphForCodePoint(ch.codePointAt(0)!).advanceWidth / font.unitsPerEm;
        expect(charEm(ch), `${weight} ${JSON.stringify(ch)}`).toBeGreaterThanOrEqual(em);
      }
    }
  });
});
