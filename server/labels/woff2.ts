// WOFF2 → TrueType (sfnt) decoder, after the W3C WOFF2 spec (§4–5). The CJK font ships as
// WOFF2 web-font slices; fontkit reads WOFF2 for layout but its subsetter copies the still
// *transformed* glyf bytes, so pdfkit would embed empty glyphs. Decoding to a plain TTF first
// avoids that. Handles the glyf/loca transform (version 0) and the hmtx transform (version 1);
// font collections are not supported.
import { brotliDecompressSync } from 'node:zlib';
import { buildSfnt, encodeSimple, type Pt } from './sfnt.js';

const KNOWN_TAGS = ('cmap head hhea hmtx maxp name OS/2 post cvt fpgm glyf loca prep CFF VORG EBDT EBLC gasp hdmx ' +
  'kern LTSH PCLT VDMX vhea vmtx BASE GDEF GPOS GSUB EBSC JSTF MATH CBDT CBLC COLR CPAL SVG sbix acnt avar bdat ' +
  'bloc bsln cvar fdsc feat fmtx fvar gvar hsty just lcar mort morx opbd prop trak Zapf Silf Glat Gloc Feat Sill')
  .split(' ').map((t) => t.padEnd(4));

class Reader {
  constructor(readonly b: Buffer, public p = 0) {}
  u8() { return this.b[this.p++]; }
  u16() { const v = this.b.readUInt16BE(this.p); this.p += 2; return v; }
  i16() { const v = this.b.readInt16BE(this.p); this.p += 2; return v; }
  u32() { const v = this.b.readUInt32BE(this.p); this.p += 4; return v; }
  bytes(n: number) { const v = this.b.subarray(this.p, this.p + n); this.p += n; return v; }
  base128() {
    let v = 0;
    for (let i = 0; i < 5; i++) {
      const c = this.u8();
      v = v * 128 + (c & 0x7f);
      if (!(c & 0x80)) return v;
    }
    throw new Error('woff2: bad UIntBase128');
  }
  u255() {
    const c = this.u8();
    return c === 253 ? this.u16() : c === 255 ? this.u8() + 253 : c === 254 ? this.u8() + 506 : c;
  }
}

interface Entry { tag: string; origLength: number; length: number; transformed: boolean; data?: Buffer }

export function woff2ToTtf(woff: Buffer): Buffer {
  const r = new Reader(woff);
  if (r.u32() !== 0x774f4632) throw new Error('woff2: bad signature');
  const flavor = r.u32();
  if (flavor === 0x74746366) throw new Error('woff2: font collections are not supported');
  r.p = 12;
  const numTables = r.u16();
  r.p = 20;
  const compressedSize = r.u32();
  r.p = 48;
  const entries: Entry[] = [];
  for (let i = 0; i < numTables; i++) {
    const flags = r.u8();
    const tag = (flags & 0x3f) === 0x3f ? r.bytes(4).toString('latin1') : KNOWN_TAGS[flags & 0x3f];
    const version = flags >> 6;
    const origLength = r.base128();
    const glyfOrLoca = tag === 'glyf' || tag === 'loca';
    const transformed = glyfOrLoca ? version === 0 : version !== 0;
    entries.push({ tag, origLength, transformed, length: transformed ? r.base128() : origLength });
  }
  const data = brotliDecompressSync(r.bytes(compressedSize));
  let off = 0;
  for (const e of entries) { e.data = data.subarray(off, off + e.length); off += e.length; }
  const byTag = new Map(entries.map((e) => [e.tag, e]));
  const glyf = byTag.get('glyf');
  let xMins: number[] | undefined;
  if (glyf?.transformed) {
    const g = decodeGlyf(glyf.data!);
    glyf.data = g.glyf;
    byTag.get('loca')!.data = g.loca;
    xMins = g.xMins;
    const head = Buffer.from(byTag.get('head')!.data!);
    head.writeInt16BE(1, 50); // indexToLocFormat: long offsets
    byTag.get('head')!.data = head;
  }
  const hmtx = byTag.get('hmtx');
  if (hmtx?.transformed) {
    if (!xMins) throw new Error('woff2: hmtx transform needs a transformed glyf');
    hmtx.data = decodeHmtx(hmtx.data!, byTag.get('hhea')!.data!.readUInt16BE(34), xMins);
  }
  return buildSfnt(flavor, entries.map((e) => [e.tag, e.data!] as [string, Buffer]));
}

function decodeGlyf(b: Buffer) {
  const r = new Reader(b, 4); // reserved u16 + optionFlags u16
  const numGlyphs = r.u16();
  r.u16(); // indexFormat: we always write long loca
  const sizes = Array.from({ length: 7 }, () => r.u32());
  const streams = sizes.map((n) => new Reader(Buffer.from(r.bytes(n))));
  const [nContourS, nPointsS, flagS, glyphS, compositeS, bboxS, instrS] = streams;
  const bitmapLen = 4 * Math.floor((numGlyphs + 31) / 32);
  const bboxBitmap = bboxS.bytes(bitmapLen);
  const hasBbox = (i: number) => (bboxBitmap[i >> 3] & (0x80 >> (i & 7))) !== 0;
  const out: Buffer[] = [];
  const loca = Buffer.alloc(4 * (numGlyphs + 1));
  const xMins: number[] = [];
  let offset = 0;
  for (let i = 0; i < numGlyphs; i++) {
    const nContours = nContourS.i16();
    let glyph: Buffer = Buffer.alloc(0);
    let xMin = 0;
    if (nContours > 0) {
      const endPts: number[] = [];
      let total = 0;
      for (let c = 0; c < nContours; c++) { total += nPointsS.u255(); endPts.push(total - 1); }
      const pts = decodeTriplets(flagS, glyphS, total);
      const instr = instrS.bytes(glyphS.u255());
      let bbox: number[];
      if (hasBbox(i)) bbox = [bboxS.i16(), bboxS.i16(), bboxS.i16(), bboxS.i16()];
      else {
        const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
        bbox = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      }
      xMin = bbox[0];
      glyph = encodeSimple(nContours, bbox, endPts, instr, pts);
    } else if (nContours < 0) {
      if (!hasBbox(i)) throw new Error('woff2: composite glyph without bbox');
      const bbox = [bboxS.i16(), bboxS.i16(), bboxS.i16(), bboxS.i16()];
      xMin = bbox[0];
      const start = compositeS.p;
      let flags: number, haveInstr = false;
      do {
        flags = compositeS.u16();
        compositeS.p += 2 + (flags & 0x0001 ? 4 : 2) + (flags & 0x0008 ? 2 : flags & 0x0040 ? 4 : flags & 0x0080 ? 8 : 0);
        if (flags & 0x0100) haveInstr = true;
      } while (flags & 0x0020);
      const comp = compositeS.b.subarray(start, compositeS.p);
      const head = Buffer.alloc(10);
      head.writeInt16BE(-1, 0);
      bbox.forEach((v, k) => head.writeInt16BE(v, 2 + 2 * k));
      const parts = [head, comp];
      if (haveInstr) {
        const n = glyphS.u255();
        const len = Buffer.alloc(2);
        len.writeUInt16BE(n);
        parts.push(len, instrS.bytes(n));
      }
      glyph = Buffer.concat(parts);
    }
    xMins.push(xMin);
    const padded = Buffer.concat([glyph, Buffer.alloc((4 - (glyph.length % 4)) % 4)]);
    loca.writeUInt32BE(offset, 4 * i);
    out.push(padded);
    offset += padded.length;
  }
  loca.writeUInt32BE(offset, 4 * numGlyphs);
  return { glyf: Buffer.concat(out), loca, xMins };
}


function decodeTriplets(flags: Reader, g: Reader, n: number): Pt[] {
  const sign = (f: number, v: number) => (f & 1 ? v : -v);
  const pts: Pt[] = [];
  let x = 0, y = 0;
  for (let i = 0; i < n; i++) {
    let f = flags.u8();
    const on = !(f >> 7);
    f &= 0x7f;
    let dx: number, dy: number;
    if (f < 10) { dx = 0; dy = sign(f, ((f & 14) << 7) + g.u8()); }
    else if (f < 20) { dx = sign(f, (((f - 10) & 14) << 7) + g.u8()); dy = 0; }
    else if (f < 84) {
      const b0 = f - 20, b1 = g.u8();
      dx = sign(f, 1 + (b0 & 0x30) + (b1 >> 4));
      dy = sign(f >> 1, 1 + ((b0 & 0x0c) << 2) + (b1 & 0x0f));
    } else if (f < 120) {
      const b0 = f - 84;
      dx = sign(f, 1 + (Math.floor(b0 / 12) << 8) + g.u8());
      dy = sign(f >> 1, 1 + (((b0 % 12) >> 2) << 8) + g.u8());
    } else if (f < 124) {
      const b1 = g.u8(), b2 = g.u8();
      dx = sign(f, (b1 << 4) + (b2 >> 4));
      dy = sign(f >> 1, ((b2 & 0x0f) << 8) + g.u8());
    } else { dx = sign(f, g.u16()); dy = sign(f >> 1, g.u16()); }
    x += dx; y += dy;
    pts.push({ x, y, on });
  }
  return pts;
}

function decodeHmtx(b: Buffer, numHMetrics: number, xMins: number[]): Buffer {
  const r = new Reader(b);
  const flags = r.u8();
  const numGlyphs = xMins.length;
  const adv = Array.from({ length: numHMetrics }, () => r.u16());
  const lsb = Array.from({ length: numHMetrics }, (_, i) => (flags & 1 ? xMins[i] : r.i16()));
  for (let i = numHMetrics; i < numGlyphs; i++) lsb.push(flags & 2 ? xMins[i] : r.i16());
  const out = Buffer.alloc(4 * numHMetrics + 2 * (numGlyphs - numHMetrics));
  let p = 0;
  for (let i = 0; i < numGlyphs; i++) {
    if (i < numHMetrics) p = out.writeUInt16BE(adv[i], p);
    p = out.writeInt16BE(lsb[i], p);
  }
  return out;
}
