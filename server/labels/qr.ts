// The label's QR code as vector primitives: a white square holding the symbol and its 4-module
// quiet zone, and one black path made of a rectangle per horizontal run of dark modules.
import QRCode from 'qrcode';
import type { Prim } from './types.js';

export const QUIET_ZONE = 4;
const n = (v: number) => String(+v.toFixed(4));

/** QR for `text` filling the square (x, y, size), quiet zone included. */
export function qrPrims(text: string, x: number, y: number, size: number): Prim[] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = modules.size;
  const m = size / (count + 2 * QUIET_ZONE);
  const d: string[] = [];
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < count; c++) {
      if (!modules.get(r, c)) continue;
      const start = c;
      while (c + 1 < count && modules.get(r, c + 1)) c++;
      const w = (c - start + 1) * m;
      d.push(`M${n(x + (start + QUIET_ZONE) * m)} ${n(y + (r + QUIET_ZONE) * m)}h${n(w)}v${n(m)}h${n(-w)}z`);
    }
  }
  return [
    { k: 'rect', x, y, w: size, h: size, fill: '#FFFFFF' },
    { k: 'path', d: d.join(''), fill: '#000000', crisp: true },
  ];
}
