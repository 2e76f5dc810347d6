// The transfer manifest (转移联单) as a printable A4 PDF: the parties' blocks (producer/consignor,
// each transport leg with its transporter and vehicle, receiver), the units with their weights,
// every step with its signer, signature and ledger index, and a QR that opens the evidence.
import PDFDocument from 'pdfkit';
import { cstTime } from '../china-time.js';
import type { Kg, ManifestView, Party } from './manifest-view.js';
import { stateLabel } from './manifest-view.js';
import { PdfText, type TextStyle } from './pdf-text.js';

const A4 = { w: 595.28, h: 841.89 };
const M = 34; // margin, pt (12 mm)
const W = A4.w - 2 * M;
const BOTTOM = A4.h - M - 14; // the footer sits below
const QR = 84; // pt (≈ 30 mm; 8 px per module at 37–41 modules keeps it well above 0.5 mm a module)
const GREY = '#555555';
const RULE = '#999999';

const S = {
  title: { size: 15, bold: true },
  number: { size: 11, bold: true },
  small: { size: 7.5 },
  tiny: { size: 6.5, color: GREY },
  head: { size: 7.5, bold: true },
  cell: { size: 7 },
  cellBold: { size: 7.5, bold: true },
} satisfies Record<string, TextStyle>;

/** 2026-11-28T08:00:00Z → 2026-11-28 16:00 (China Standard Time). */
const time = (at: string) => cstTime(at).slice(0, 16);
const indexes = (xs: number[]) =>
  xs.length > 1 && xs.every((x, i) => i === 0 || x === xs[i - 1] + 1) ? `#${xs[0]}–${xs.at(-1)}` : xs.map((x) => `#${x}`).join(', ');
const weight = (k?: Kg) => (k ? [`净 net ${k.netKg} kg`, `毛 ${k.grossKg} / 皮 ${k.tareKg} · #${k.index}`] : ['—']);

interface Column { title: string; width: number }

class Layout {
  y = M;
  readonly t: PdfText;
  constructor(readonly doc: PDFKit.PDFDocument) { this.t = new PdfText(doc); }

  /** Room for `h` more points on this page, or a new page (then `again` redraws a table header). */
  room(h: number, again?: () => void) {
    if (this.y + h <= BOTTOM) return;
    this.doc.addPage();
    this.y = M;
    again?.();
  }

  rule(y = this.y, color = RULE) {
    this.doc.moveTo(M, y).lineTo(M + W, y).lineWidth(0.5).strokeColor(color).stroke();
  }

  /** A table row: each cell's lines, top-aligned; returns the row's height. */
  row(cols: Column[], cells: string[][], style: TextStyle, again?: () => void) {
    const lineH = style.size * 1.35;
    const wrapped = cells.map((lines, i) => {
      const ls = lines.flatMap((l) => this.t.wrap(l, cols[i].width - 4, style));
      return ls.length > 3 ? [ls[0], ls[1], `${ls[2]}…`] : ls; // at most 3 lines a cell; the cut is marked
    });
    const h = Math.max(...wrapped.map((l) => l.length)) * lineH + 4;
    this.room(h, again);
    let x = M;
    wrapped.forEach((lines, i) => {
      lines.forEach((l, j) => this.t.line(l, x + 2, this.y + 2 + j * lineH, style, cols[i].width - 4));
      x += cols[i].width;
    });
    this.y += h;
    this.rule(this.y, '#dddddd');
    return h;
  }

  table(title: string, cols: Column[], rows: string[][][]) {
    const header = () => {
      this.t.line(title, M, this.y, S.head);
      this.y += 12;
      this.row(cols, cols.map((c) => [c.title]), S.head);
      this.rule(this.y, '#000000');
    };
    this.room(60);
    header();
    for (const r of rows) this.row(cols, r, S.cell, header);
    this.y += 10;
  }
}

function partyLines(p: Party): [string, TextStyle][] {
  return [
    [p.name, S.cellBold],
    ...(p.uscc ? [[`统一社会信用代码 USCC ${p.uscc}`, S.cell] as [string, TextStyle]] : []),
    ...(p.licences?.length ? [[`经营许可证 Licence ${p.licences.join(', ')}`, S.cell] as [string, TextStyle]] : []),
    ...(p.contact ? [[`联系人 Contact ${p.contact}`, S.cell] as [string, TextStyle]] : []),
    ...(p.address ? [[`地址 Address ${p.address}`, S.cell] as [string, TextStyle]] : []),
  ];
}

function header(L: Layout, v: ManifestView) {
  const { doc, t } = L;
  doc.image(v.qr.png, M + W - QR, M, { width: QR, height: QR });
  t.line('扫码核验 Scan to verify', M + W - QR, M + QR + 1, S.tiny, QR);
  const left = W - QR - 10;
  t.line('危险废物转移联单', M, L.y, S.title, left);
  L.y += 19;
  t.line('Hazardous Waste Transfer Manifest', M, L.y, { size: 9, bold: true }, left);
  L.y += 16;
  t.line(`联单编号 Manifest No. ${v.number}`, M, L.y, S.number, left);
  L.y += 16;
  const facts = [`状态 State ${stateLabel(v.state)}`, `版本 Version ${v.version}`, `计划转移日期 Planned ${v.plannedDate}`, `创建 Created ${time(v.createdAt)} (UTC+8)`];
  for (const line of t.wrap(facts.join(' · '), left, S.small)) { t.line(line, M, L.y, S.small); L.y += 10; }
  if (v.onwardOf) { t.line(`续联单 Onward manifest of ${v.onwardOf} (拒收转移 refused units sent on)`, M, L.y, S.small, left); L.y += 10; }
  for (const line of t.wrap(`证据链接 Evidence: ${v.qr.url}`, left, S.tiny)) { t.line(line, M, L.y, S.tiny); L.y += 8.5; }
  L.y = Math.max(L.y, M + QR + 10) + 4;
  L.rule();
  L.y += 6;
}

function parties(L: Layout, v: ManifestView) {
  const gap = 8;
  const w = (W - 2 * gap) / 3;
  const blocks: { title: string; lines: [string, TextStyle][] }[] = [
    { title: '产生单位（移出人）Producer / consignor', lines: partyLines(v.consignor) },
    {
      title: `运输单位 Transport (${v.legs.length} 程 leg${v.legs.length > 1 ? 's' : ''})`,
      lines: v.legs.flatMap((l): [string, TextStyle][] => [
        [`第${l.leg}程 Leg ${l.leg}: ${l.transporter.name}`, S.cellBold],
        ...(l.transporter.uscc ? [[`USCC ${l.transporter.uscc}`, S.cell] as [string, TextStyle]] : []),
        [`车辆 Vehicle ${l.vehiclePlate}${l.vehicleKind ? ` (${l.vehicleKind})` : ''}`, S.cell],
        [l.takenOver ? `接管 Taken over ${time(l.takenOver.at)} · #${l.takenOver.index} · ${l.takenOver.by}` : '未接管 Not yet taken over', S.cell],
      ]),
    },
    { title: v.receiver.role === 'producer' ? '接受单位（退回产生单位）Receiver (return)' : '接受单位（接受人）Receiver', lines: partyLines(v.receiver) },
  ];
  const wrapped = blocks.map((b) => b.lines.flatMap(([text, s]) => L.t.wrap(text, w - 8, s).map((l) => [l, s] as [string, TextStyle])));
  const h = Math.max(...wrapped.map((ls) => ls.reduce((a, [, s]) => a + s.size * 1.4, 0))) + 22;
  L.room(h);
  blocks.forEach((b, i) => {
    const x = M + i * (w + gap);
    L.doc.rect(x, L.y, w, h).lineWidth(0.6).strokeColor('#000000').stroke();
    L.doc.rect(x, L.y, w, 13).fillColor('#eeeeee').fill();
    L.t.line(b.title, x + 4, L.y + 3, S.head, w - 8);
    let y = L.y + 17;
    for (const [line, s] of wrapped[i]) { L.t.line(line, x + 4, y, s, w - 8); y += s.size * 1.4; }
  });
  L.y += h + 12;
}

export async function manifestPdf(v: ManifestView): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0, bufferPages: true, info: { Title: `危险废物转移联单 ${v.number}`, Creator: 'hazledger' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const L = new Layout(doc);
  header(L, v);
  parties(L, v);
  L.table(`废物 Units (${v.units.length})`, [
    { title: '序 No.', width: 22 }, { title: '废物 Waste', width: 140 }, { title: '数字识别码 / GRAI', width: 150 },
    { title: '产生单位称重 Producer', width: 80 }, { title: '接受单位称重 Receiver', width: 80 }, { title: '结果 Outcome', width: W - 472 },
  ], v.units.map((u, i) => [
    [String(i + 1)],
    [`${u.wasteCode} ${u.wasteCategory}`, `${u.name} · ${u.container}`],
    [u.hjCode, u.grai ? `GRAI ${u.grai}` : '无标签 no tag'],
    weight(u.producerKg), weight(u.receiverKg), [u.outcome],
  ]));
  L.table(`签署与日志 Steps, signatures and ledger entries (${v.steps.length})`, [
    { title: '日志序号 Ledger', width: 50 }, { title: '时间 Time (UTC+8)', width: 66 }, { title: '步骤 Step', width: 150 },
    { title: '签署人 Signer', width: 130 }, { title: '签名 Signature', width: W - 396 },
  ], v.steps.map((s) => [[indexes(s.indexes)], [time(s.at)], [s.label], [s.signer], [s.signature]]));
  const head = `联单链 Chain: ${v.chainHead.entries} entries, last #${v.chainHead.lastIndex ?? '—'}, leaf ${v.chainHead.leafHash}`;
  L.room(30);
  for (const line of L.t.wrap(`${head}. 以 hazledger verify-bundle 离线核验证据包 Verify the evidence bundle offline with \`hazledger verify-bundle\`.`, W, S.tiny)) {
    L.t.line(line, M, L.y, S.tiny);
    L.y += 8.5;
  }
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    L.t.line(`hazledger · ${v.number} · 第 ${i + 1} / ${count} 页 page`, M, A4.h - M + 2, S.tiny, W);
  }
  doc.end();
  return done;
}
