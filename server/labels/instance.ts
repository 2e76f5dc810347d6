// Static instance of a variable TrueType font at one weight. pdfkit embeds fonts through
// fontkit, whose subsetter cannot encode varied glyphs (fontkit 2.0.4 + restructure 3 throw in
// GlyphEncoder), and the font's default instance is Thin. So we let fontkit compute the varied
// outlines and advances, and write them into a plain, unhinted TTF that pdfkit embeds as usual.
import { createRequire } from 'node:module';
import { buildSfnt, encodeSimple, sfntTables, type Pt } from './sfnt.js';

interface FkGlyph { advanceWidth: number; path: { commands: { command: string; args: number[] }[] } }
interface FkFont {
  numGlyphs: number;
  copyright?: string;
  getGlyph(id: number): FkGlyph;
  getVariation(settings: Record<string, number>): FkFont;
}
// fontkit comes with pdfkit; resolve it from there so we use the very copy pdfkit uses.
const req = createRequire(import.meta.url);
const fontkit = createRequire(req.resolve('pdfkit'))('fontkit') as { create(b: Uint8Array): FkFont };

export function staticInstance(ttf: Buffer, weight: number, family: string, style: string): Buffer {
  const src = sfntTables(ttf);
  const font = fontkit.create(ttf).getVariation({ wght: weight });
  const n = font.numGlyphs;
  const glyf: Buffer[] = [];
  const loca = Buffer.alloc(4 * (n + 1));
  const hmtx = Buffer.alloc(4 * n);
  let offset = 0, maxPoints = 0, maxContours = 0, maxAdvance = 0;
  for (let id = 0; id < n; id++) {
    const g = font.getGlyph(id);
    const contours = toContours(g.path.commands);
    const pts = contours.flat();
    let data: Buffer = Buffer.alloc(0), xMin = 0;
    if (pts.length) {
      const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
      const bbox = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      xMin = bbox[0];
      let end = -1;
      const endPts = contours.map((c) => (end += c.length));
      data = encodeSimple(contours.length, bbox, endPts, Buffer.alloc(0), pts);
      data = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
    }
    const adv = Math.round(g.advanceWidth);
    hmtx.writeUInt16BE(adv, 4 * id);
    hmtx.writeInt16BE(xMin, 4 * id + 2);
    loca.writeUInt32BE(offset, 4 * id);
    glyf.push(data);
    offset += data.length;
    maxPoints = Math.max(maxPoints, pts.length);
    maxContours = Math.max(maxContours, contours.length);
    maxAdvance = Math.max(maxAdvance, adv);
  }
  loca.writeUInt32BE(offset, 4 * n);

  const head = Buffer.from(src.get('head')!);
  head.writeInt16BE(1, 50); // long loca
  const hhea = Buffer.from(src.get('hhea')!);
  hhea.writeUInt16BE(maxAdvance, 10);
  hhea.writeUInt16BE(n, 34);
  const maxp = Buffer.from(src.get('maxp')!);
  if (maxp.length >= 32) {
    maxp.writeUInt16BE(maxPoints, 6);
    maxp.writeUInt16BE(maxContours, 8);
    for (const o of [10, 12, 28, 30]) maxp.writeUInt16BE(0, o);
  }
  const os2 = Buffer.from(src.get('OS/2')!);
  os2.writeUInt16BE(weight, 4);
  const bold = weight >= 700;
  os2.writeUInt16BE((os2.readUInt16BE(62) & ~0x61) | (bold ? 0x20 : 0x40), 62); // fsSelection BOLD / REGULAR
  head.writeUInt16BE((head.readUInt16BE(44) & ~1) | (bold ? 1 : 0), 44); // macStyle bold
  const ps = `${family.replace(/\s+/g, '')}-${style}`;
  const name = nameTable([[0, font.copyright ?? ''], [1, family], [2, style], [4, `${family} ${style}`], [6, ps]]);
  const tables: [string, Buffer][] = [
    ['cmap', src.get('cmap')!], ['head', head], ['hhea', hhea], ['hmtx', hmtx], ['maxp', maxp], ['name', name],
    ['OS/2', os2], ['post', src.get('post')!], ['glyf', Buffer.concat(glyf)], ['loca', loca],
  ];
  return buildSfnt(0x00010000, tables);
}

/** fontkit path commands of a TrueType glyph → closed contours of on/off-curve points. */
function toContours(cmds: { command: string; args: number[] }[]): Pt[][] {
  const out: Pt[][] = [];
  let cur: Pt[] = [];
  const pt = (x: number, y: number, on: boolean) => cur.push({ x: Math.round(x), y: Math.round(y), on });
  const close = () => {
    const [first, last] = [cur[0], cur[cur.length - 1]];
    if (cur.length > 1 && last.on && last.x === first.x && last.y === first.y) cur.pop();
    if (cur.length) out.push(cur);
    cur = [];
  };
  for (const { command, args: a } of cmds) {
    if (command === 'moveTo') { close(); pt(a[0], a[1], true); }
    else if (command === 'lineTo') pt(a[0], a[1], true);
    else if (command === 'quadraticCurveTo') { pt(a[0], a[1], false); pt(a[2], a[3], true); }
    else if (command === 'closePath') close();
    else throw new Error(`unexpected ${command} in a TrueType outline`);
  }
  close();
  return out;
}

function nameTable(records: [number, string][]): Buffer {
  const strings = records.map(([, s]) => Buffer.from(s, 'utf16le').swap16());
  const head = Buffer.alloc(6 + 12 * records.length);
  head.writeUInt16BE(0, 0);
  head.writeUInt16BE(records.length, 2);
  head.writeUInt16BE(head.length, 4);
  let off = 0;
  records.forEach(([id], i) => {
    const r = 6 + 12 * i;
    [3, 1, 0x409, id, strings[i].length, off].forEach((v, k) => head.writeUInt16BE(v, r + 2 * k));
    off += strings[i].length;
  });
  return Buffer.concat([head, ...strings]);
}
