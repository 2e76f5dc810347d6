// Lays an HJ 1276 hazardous-waste label out as primitives on a 100 × 100 reference square;
// renderers scale it to the real size (100, 150 or 200 mm), so all sizes look alike.
//
//  ┌──────────────────────────────────────┐
//  │               危险废物                 │  title
//  ├─────────────────────────┬────────────┤
//  │ 废物名称：…              │  危险特性   │
//  │ 废物代码：…  废物类别：… │  ◇  ◇       │  pictograms, 2 per row
//  │ 废物形态：…  产生日期：… │  ◇  ◇  ◇    │
//  │ 主要成分 / 产生单位 /    │            │
//  │ 联系人及电话 / 注意事项  │  ▣ QR      │
//  │ 数字识别码：<monospace>  │            │
//  └─────────────────────────┴────────────┘
import type { Drawing, Hazard, LabelData, Prim } from './types.js';
import { ellipsize, textWidth, wrap } from './text.js';
import { HAZARD_WORDS, pictogram } from './pictograms.js';
import { qrPrims } from './qr.js';

/**
 * Label size by container volume (HJ 1276-2022): ≤ 50 L → 100 mm, > 50 L and < 450 L → 150 mm,
 * ≥ 450 L → 200 mm. The sources in domain.md §A3 disagree at exactly 450 L ("> 50 to ≤ 450 L"
 * vs "≥ 450 L"); we take 450 L → 200 mm until the standard's own text is checked.
 */
export function labelSizeMm(volumeL: number): 100 | 150 | 200 {
  if (!Number.isFinite(volumeL) || volumeL < 0) throw new RangeError(`bad container volume: ${volumeL}`);
  return volumeL <= 50 ? 100 : volumeL < 450 ? 150 : 200;
}

export const YELLOW = '#FFD900';
const BLACK = '#000000';
const BORDER = 1.2, BORDER_W = 0.8;
const IN = BORDER + BORDER_W / 2; // inner edge of the border
const TITLE_RULE = 14;
const COL = 70.6; // divider between the fields and the hazards/QR column
const LEFT = { x: IN + 1.6, w: COL - IN - 1.6 - 1.2 };
const RIGHT = { x: COL + 0.35, w: 100 - IN - COL - 0.35 };
const RCX = RIGHT.x + RIGHT.w / 2;
const QR_SIZE = 26;
const BOTTOM = 100 - IN - 0.3;
const LH = 1.3; // line height, em
const BASE = 1.03; // baseline below the top of a line box, em
const MAX_FONT = 2.8, MIN_FONT = 1.8;

interface Cell { cap: string; value: string; frac: number }
interface LaidCell extends Cell { x: number; capW: number; lines: string[]; valueW: number }

export function layoutLabel(data: LabelData): Drawing {
  const sizeMm = labelSizeMm(data.containerVolumeL);
  const prims: Prim[] = [
    { k: 'rect', x: 0, y: 0, w: 100, h: 100, fill: YELLOW },
    { k: 'rect', x: BORDER, y: BORDER, w: 100 - 2 * BORDER, h: 100 - 2 * BORDER, stroke: BLACK, sw: BORDER_W },
    { k: 'clip', x: IN, y: IN, w: 100 - 2 * IN, h: 100 - 2 * IN },
    { k: 'text', x: 50, y: 11.2, size: 8, text: '危险废物', bold: true, anchor: 'middle' },
    { k: 'rect', x: IN, y: TITLE_RULE - 0.25, w: 100 - 2 * IN, h: 0.5, fill: BLACK },
    { k: 'rect', x: COL - 0.175, y: TITLE_RULE, w: 0.35, h: 100 - IN - TITLE_RULE, fill: BLACK },
  ];
  const idTop = idBlock(data.identificationCode, prims);
  fields(data, TITLE_RULE + 0.25, idTop, prims);
  hazards(data.hazards, prims);
  prims.push(...qrPrims(data.qrUrl, RCX - QR_SIZE / 2, BOTTOM - QR_SIZE, QR_SIZE));
  return { sizeMm, prims };
}

/** 数字识别码 at the bottom of the field column; returns the top of the block. */
function idBlock(code: string, prims: Prim[]): number {
  const f = 2.6;
  let fc = Math.max(1.6, Math.min(MAX_FONT, LEFT.w / textWidth(code || ' ', 1, true)));
  let lines = wrap(code, LEFT.w, fc, true);
  if (lines.length > 2) lines = [lines[0], ellipsize(lines[1], LEFT.w, fc, true)];
  const top = BOTTOM - 0.6 - (f + lines.length * fc) * LH;
  prims.push({ k: 'rect', x: IN, y: top - 0.075, w: COL - IN, h: 0.15, fill: BLACK });
  prims.push({ k: 'text', x: LEFT.x, y: top + 0.5 + BASE * f, size: f, text: '数字识别码：', bold: true });
  lines.forEach((text, i) =>
    prims.push({ k: 'text', x: LEFT.x, y: top + 0.5 + f * LH + (i * LH + BASE) * fc, size: fc, text, mono: true }));
  return top;
}

function fields(d: LabelData, top: number, bottom: number, prims: Prim[]) {
  const rows: Cell[][] = [
    [{ cap: '废物名称', value: d.wasteName, frac: 1 }],
    [{ cap: '废物代码', value: d.wasteCode, frac: 0.5 }, { cap: '废物类别', value: d.wasteCategory, frac: 0.5 }],
    [{ cap: '废物形态', value: d.physicalForm, frac: 0.5 }, { cap: '产生日期', value: d.generationDate, frac: 0.5 }],
    [{ cap: '主要成分', value: d.components, frac: 1 }],
    [{ cap: '产生单位', value: d.producerName, frac: 1 }],
    [{ cap: '联系人及电话', value: d.producerContact, frac: 1 }],
    [{ cap: '注意事项', value: d.precautions ?? '', frac: 1 }],
  ];
  const PAD = 1.0; // vertical padding per row (top + bottom)
  const avail = bottom - top;
  let f = MAX_FONT;
  let laid = layRows(rows, f);
  const height = () => laid.reduce((h, r) => h + PAD + rowLines(r) * f * LH, 0);
  while (height() > avail && f > MIN_FONT + 1e-9) laid = layRows(rows, (f = Math.round((f - 0.1) * 10) / 10));
  while (height() > avail) { // still too long at the smallest size: cut the longest cell
    const cell = laid.flat().reduce((a, b) => (b.lines.length > a.lines.length ? b : a));
    if (cell.lines.length < 2) break;
    cell.lines = cell.lines.slice(0, -1);
    cell.lines[cell.lines.length - 1] = ellipsize(cell.lines[cell.lines.length - 1], cell.valueW, f);
  }
  const extra = Math.max(0, Math.min(3, (avail - height()) / rows.length));
  let y = top;
  for (const row of laid) {
    const h = PAD + extra + rowLines(row) * f * LH;
    const t = y + (PAD + extra) / 2;
    for (const c of row) {
      prims.push({ k: 'text', x: c.x, y: t + BASE * f, size: f, text: c.cap + '：', bold: true });
      c.lines.forEach((text, i) => prims.push({ k: 'text', x: c.x + c.capW, y: t + (i * LH + BASE) * f, size: f, text }));
    }
    y += h;
    if (row !== laid[laid.length - 1]) prims.push({ k: 'rect', x: IN, y: y - 0.06, w: COL - IN, h: 0.12, fill: BLACK });
  }
}

const rowLines = (row: LaidCell[]) => Math.max(...row.map((c) => c.lines.length));

function layRows(rows: Cell[][], f: number): LaidCell[][] {
  return rows.map((row) => {
    let x = LEFT.x;
    return row.map((c) => {
      const w = LEFT.w * c.frac - (c.frac < 1 ? 0.8 : 0);
      const capW = textWidth(c.cap + '：', f);
      const valueW = Math.max(w - capW, f);
      const cell = { ...c, x, capW, valueW, lines: wrap(c.value, valueW, f) };
      x += LEFT.w * c.frac;
      return cell;
    });
  });
}

/** 危险特性: caption and up to five pictograms, two per row, each with its word below. */
function hazards(list: Hazard[], prims: Prim[]) {
  const hs = [...new Set(list)].filter((h) => h in HAZARD_WORDS);
  prims.push({ k: 'text', x: RCX, y: 18.4, size: 2.8, text: '危险特性', bold: true, anchor: 'middle' });
  const CELL_W = 13.2, CELL_H = 15.2, R = 5.4;
  hs.forEach((h, i) => {
    const row = Math.floor(i / 2);
    const alone = i === hs.length - 1 && i % 2 === 0;
    const cx = alone ? RCX : RCX + (i % 2 ? 1 : -1) * (CELL_W / 2);
    const top = 20.2 + row * CELL_H;
    prims.push(...pictogram(h, cx, top + 6, R));
    prims.push({ k: 'text', x: cx, y: top + 14, size: 2.2, text: HAZARD_WORDS[h], anchor: 'middle' });
  });
}
