// Labels at true size on A4 sheets: rows of labels packed in order, centred on the page, with a
// cut gap between labels and crop marks at every corner. Print at 100 % ("actual size").
import PDFDocument from 'pdfkit';
import type { Drawing, Paint, Prim } from './types.js';
import { sliceFont, sliceRuns, type Weight } from './cjk-font.js';

const PT = 72 / 25.4; // points per millimetre
const A4 = { w: 210, h: 297 };
const MARGIN = 5; // mm; a 200 mm label leaves exactly 5 mm each side
const GAP = 6; // mm between labels: 3 mm cut margin on each side
const MARK = { from: 0.6, to: 2.6, w: 0.12 }; // crop marks, mm outside the label edge

interface Placed { drawing: Drawing; x: number; y: number }

/** Packs labels into rows and rows into pages, keeping the input order. */
export function planSheets(drawings: Drawing[]): Placed[][] {
  const pages: Drawing[][][] = [];
  let rows: Drawing[][] = [], row: Drawing[] = [];
  const width = (r: Drawing[]) => r.reduce((w, d) => w + d.sizeMm, 0) + GAP * Math.max(0, r.length - 1);
  const height = (rs: Drawing[][]) => rs.reduce((h, r) => h + Math.max(...r.map((d) => d.sizeMm)), 0) + GAP * Math.max(0, rs.length - 1);
  for (const d of drawings) {
    if (row.length && width([...row, d]) > A4.w - 2 * MARGIN) { rows.push(row); row = []; }
    if (!row.length && rows.length && height([...rows, [d]]) > A4.h - 2 * MARGIN) { pages.push(rows); rows = []; }
    row.push(d);
  }
  if (row.length) rows.push(row);
  if (rows.length) pages.push(rows);
  return pages.map((rs) => {
    let y = (A4.h - height(rs)) / 2;
    return rs.flatMap((r) => {
      let x = (A4.w - width(r)) / 2;
      const placed = r.map((drawing) => { const p = { drawing, x, y }; x += drawing.sizeMm + GAP; return p; });
      y += Math.max(...r.map((d) => d.sizeMm)) + GAP;
      return placed;
    });
  });
}

export async function drawingsToPdf(drawings: Drawing[]): Promise<Buffer> {
  if (!drawings.length) throw new RangeError('no labels to print');
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: '危险废物标签', Creator: 'hazledger' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const fonts = new Set<string>();
  for (const page of planSheets(drawings)) {
    doc.addPage();
    for (const { drawing, x, y } of page) {
      cropMarks(doc, x, y, drawing.sizeMm);
      doc.save().translate(x * PT, y * PT).scale((drawing.sizeMm / 100) * PT);
      for (const p of drawing.prims) draw(doc, p, fonts);
      doc.restore();
    }
  }
  doc.end();
  return done;
}

function cropMarks(doc: PDFKit.PDFDocument, x: number, y: number, s: number) {
  doc.save().scale(PT).lineWidth(MARK.w).strokeColor('#000000');
  for (const cx of [x, x + s]) for (const cy of [y, y + s]) {
    const dx = cx === x ? -1 : 1, dy = cy === y ? -1 : 1;
    doc.moveTo(cx + dx * MARK.from, cy).lineTo(cx + dx * MARK.to, cy).stroke();
    doc.moveTo(cx, cy + dy * MARK.from).lineTo(cx, cy + dy * MARK.to).stroke();
  }
  doc.restore();
}

function paint(doc: PDFKit.PDFDocument, p: Paint) {
  if (p.stroke) doc.lineWidth(p.sw ?? 0.2);
  if (p.fill && p.stroke) doc.fillAndStroke(p.fill, p.stroke);
  else if (p.fill) doc.fill(p.fill);
  else if (p.stroke) doc.stroke(p.stroke);
}

function draw(doc: PDFKit.PDFDocument, p: Prim, fonts: Set<string>) {
  switch (p.k) {
    case 'rect': doc.rect(p.x, p.y, p.w, p.h); return paint(doc, p);
    case 'circle': doc.circle(p.cx, p.cy, p.r); return paint(doc, p);
    case 'path': doc.path(p.d); return paint(doc, p);
    case 'clip': doc.rect(p.x, p.y, p.w, p.h).clip(); return;
    case 'text': {
      // Courier is a PDF base font (not embedded): fine for the ASCII identification code.
      const runs = p.mono && /^[\x20-\x7e]*$/.test(p.text)
        ? [{ font: 'Courier', text: p.text }]
        : sliceRuns(p.text).map((r) => ({ font: cjkFont(doc, fonts, r.slice, p.bold ? 'bold' : 'regular'), text: r.text }));
      const widths = runs.map((r) => doc.font(r.font).fontSize(p.size).widthOfString(r.text));
      let x = p.anchor === 'middle' ? p.x - widths.reduce((a, b) => a + b, 0) / 2 : p.x;
      doc.fillColor('#000000');
      runs.forEach((r, i) => {
        doc.font(r.font).fontSize(p.size).text(r.text, x, p.y, { lineBreak: false, baseline: 'alphabetic' });
        x += widths[i];
      });
    }
  }
}

function cjkFont(doc: PDFKit.PDFDocument, fonts: Set<string>, slice: string, weight: Weight): string {
  const name = `cjk-${slice}-${weight}`;
  if (!fonts.has(name)) { doc.registerFont(name, sliceFont(slice, weight)); fonts.add(name); }
  return name;
}
