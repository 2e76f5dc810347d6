// Writing plain sfnt (TrueType) fonts: table directory with checksums, and simple glyphs.

export interface Pt { x: number; y: number; on: boolean }

/** Tables of a plain sfnt (TTF/OTF), by tag. */
export function sfntTables(font: Buffer): Map<string, Buffer> {
  const tables = new Map<string, Buffer>();
  for (let i = 0, n = font.readUInt16BE(4); i < n; i++) {
    const rec = 12 + 16 * i;
    const off = font.readUInt32BE(rec + 8);
    tables.set(font.toString('latin1', rec, rec + 4), font.subarray(off, off + font.readUInt32BE(rec + 12)));
  }
  return tables;
}

// Simple glyph with one flag byte per point and 16-bit deltas (no packing: pdfkit subsets anyway).
export function encodeSimple(nContours: number, bbox: number[], endPts: number[], instr: Buffer, pts: Pt[]): Buffer {
  const b = Buffer.alloc(10 + 2 * nContours + 2 + instr.length + pts.length * 5);
  let p = b.writeInt16BE(nContours, 0);
  for (const v of bbox) p = b.writeInt16BE(v, p);
  for (const e of endPts) p = b.writeUInt16BE(e, p);
  p = b.writeUInt16BE(instr.length, p);
  p += instr.copy(b, p);
  for (const pt of pts) b[p++] = pt.on ? 1 : 0;
  let prev = 0;
  for (const pt of pts) { p = b.writeInt16BE(pt.x - prev, p); prev = pt.x; }
  prev = 0;
  for (const pt of pts) { p = b.writeInt16BE(pt.y - prev, p); prev = pt.y; }
  return b;
}

function checksum(b: Buffer): number {
  const padded = b.length % 4 ? Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]) : b;
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

export function buildSfnt(flavor: number, tables: [string, Buffer][]): Buffer {
  tables.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const n = tables.length;
  const es = Math.floor(Math.log2(n));
  const header = Buffer.alloc(12 + 16 * n);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(n, 4);
  header.writeUInt16BE(16 * 2 ** es, 6);
  header.writeUInt16BE(es, 8);
  header.writeUInt16BE(16 * n - 16 * 2 ** es, 10);
  const body: Buffer[] = [];
  let offset = header.length;
  let headOffset = -1;
  tables.forEach(([tag, data], i) => {
    if (tag === 'head') { data = Buffer.from(data); data.writeUInt32BE(0, 8); headOffset = offset; }
    const rec = 12 + 16 * i;
    header.write(tag, rec, 'latin1');
    header.writeUInt32BE(checksum(data), rec + 4);
    header.writeUInt32BE(offset, rec + 8);
    header.writeUInt32BE(data.length, rec + 12);
    const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
    body.push(padded);
    offset += padded.length;
  });
  const font = Buffer.concat([header, ...body]);
  // A real checkSumAdjustment also keeps pdfkit from mistaking two slices for one font.
  if (headOffset >= 0) font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, headOffset + 8);
  return font;
}
