// HJ 1276-2022 hazardous-waste labels (危险废物标签): SVG for screens and a printable A4 PDF.
// Layout: layout.ts; SVG: svg.ts; PDF sheets and the embedded CJK font: pdf.ts, cjk-font.ts.
import { createHash } from 'node:crypto';
import type { LabelData } from './types.js';
import { labelSizeMm, layoutLabel } from './layout.js';
import { drawingToSvg } from './svg.js';
import { drawingsToPdf } from './pdf.js';

export type { Hazard, LabelData } from './types.js';
export { labelSizeMm };

/** A standalone SVG (width/height in mm, viewBox in mm) at the size the container calls for. */
export async function labelSvg(data: LabelData): Promise<string> {
  const id = 'hl' + createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 10);
  return drawingToSvg(layoutLabel(data), `危险废物标签 ${data.wasteCode} ${data.identificationCode}`, id);
}

/** A4 sheets with the labels at true size, several to a page where they fit, with crop marks. */
export async function labelsPdf(labels: LabelData[]): Promise<Buffer> {
  return drawingsToPdf(labels.map(layoutLabel));
}
