// Hazard pictograms: a red-bordered white diamond with a simplified black symbol, in the manner
// of the GHS / HJ 1276 hazard-trait marks (pictogram-like, not the official artwork).
import type { Hazard, Prim } from './types.js';

export const HAZARD_WORDS: Record<Hazard, string> = { T: '毒性', C: '腐蚀性', I: '易燃性', R: '反应性', In: '感染性' };

type Pt = [number, number];
type Shape = { poly: Pt[]; white?: boolean } | { circle: [number, number, number]; white?: boolean };

/** A bar of width w from a to b, as a polygon. */
function bar([x1, y1]: Pt, [x2, y2]: Pt, w: number): Pt[] {
  const len = Math.hypot(x2 - x1, y2 - y1);
  const [nx, ny] = [(-(y2 - y1) / len) * (w / 2), ((x2 - x1) / len) * (w / 2)];
  return [[x1 + nx, y1 + ny], [x2 + nx, y2 + ny], [x2 - nx, y2 - ny], [x1 - nx, y1 - ny]];
}
const box = (x0: number, y0: number, x1: number, y1: number): Pt[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

// Symbols in a unit frame: the diamond's corners are at distance 1 from its centre (0, 0), y down.
const SYMBOLS: Record<Hazard, Shape[]> = {
  T: [
    { poly: bar([-0.42, 0.16], [0.42, 0.48], 0.1) },
    { poly: bar([-0.42, 0.48], [0.42, 0.16], 0.1) },
    { circle: [0, -0.2, 0.27] },
    { poly: box(-0.15, -0.05, 0.15, 0.2) },
    { circle: [-0.1, -0.2, 0.075], white: true },
    { circle: [0.1, -0.2, 0.075], white: true },
  ],
  C: [
    { poly: bar([-0.5, -0.4], [-0.12, -0.22], 0.12) },
    { poly: bar([0.5, -0.4], [0.12, -0.22], 0.12) },
    { circle: [-0.14, -0.04, 0.05] },
    { circle: [0.14, -0.04, 0.05] },
    { circle: [-0.14, 0.08, 0.035] },
    { poly: box(-0.5, 0.22, -0.06, 0.34) },
    { poly: [[0.08, 0.22], [0.5, 0.22], [0.5, 0.34], [0.14, 0.34], [0.1, 0.28]] },
  ],
  I: [
    { poly: [[0, -0.58], [0.14, -0.34], [0.3, -0.12], [0.33, 0.1], [0.24, 0.28], [0.08, 0.37], [-0.08, 0.37],
      [-0.24, 0.28], [-0.33, 0.1], [-0.28, -0.1], [-0.16, 0.02], [-0.12, -0.22], [-0.04, -0.36]] },
    { poly: [[0, 0.05], [0.1, 0.2], [0.06, 0.33], [-0.06, 0.33], [-0.1, 0.2]], white: true },
    { poly: box(-0.4, 0.43, 0.4, 0.52) },
  ],
  R: [
    { circle: [-0.08, 0.12, 0.27] },
    { poly: bar([0.1, -0.08], [0.22, -0.26], 0.08) },
    ...[-90, -45, 0, 45, 180].map((deg): Shape => {
      const a = (deg * Math.PI) / 180;
      return { poly: bar([0.27 + 0.1 * Math.cos(a), -0.33 + 0.1 * Math.sin(a)], [0.27 + 0.22 * Math.cos(a), -0.33 + 0.22 * Math.sin(a)], 0.05) };
    }),
  ],
  In: [
    ...[-90, 30, 150].flatMap((deg): Shape[] => {
      const a = (deg * Math.PI) / 180;
      return [
        { circle: [0.2 * Math.cos(a), 0.05 + 0.2 * Math.sin(a), 0.2] },
        { circle: [0.27 * Math.cos(a), 0.05 + 0.27 * Math.sin(a), 0.12], white: true },
      ];
    }),
    { circle: [0, 0.05, 0.07], white: true },
  ],
};

const n = (v: number) => String(+v.toFixed(3));

/** The pictogram for one hazard, its diamond centred on (cx, cy) with half-diagonal r. */
export function pictogram(h: Hazard, cx: number, cy: number, r: number): Prim[] {
  const prims: Prim[] = [{
    k: 'path', d: `M${n(cx)} ${n(cy - r)}L${n(cx + r)} ${n(cy)}L${n(cx)} ${n(cy + r)}L${n(cx - r)} ${n(cy)}Z`,
    fill: '#FFFFFF', stroke: '#E60012', sw: r * 0.12,
  }];
  const inner = r * 0.88;
  for (const s of SYMBOLS[h]) {
    const fill = s.white ? '#FFFFFF' : '#000000';
    if ('circle' in s) prims.push({ k: 'circle', cx: cx + s.circle[0] * inner, cy: cy + s.circle[1] * inner, r: s.circle[2] * inner, fill });
    else prims.push({ k: 'path', d: 'M' + s.poly.map(([x, y]) => `${n(cx + x * inner)} ${n(cy + y * inner)}`).join('L') + 'Z', fill });
  }
  return prims;
}
