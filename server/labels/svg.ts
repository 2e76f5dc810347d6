// Serialises a label drawing as a standalone SVG in millimetres.
import type { Drawing, Paint, Prim } from './types.js';
import { escapeXml } from './text.js';

export const SANS = "'Noto Sans SC Variable','Noto Sans SC','Source Han Sans SC','Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif";
export const MONO = "'DejaVu Sans Mono','Noto Sans Mono',Consolas,'Courier New',monospace";

const n = (v: number) => String(+v.toFixed(3));

function paint(p: Paint): string {
  return ` fill="${p.fill ?? 'none'}"` + (p.stroke ? ` stroke="${p.stroke}" stroke-width="${n(p.sw ?? 0.2)}"` : '');
}

function element(p: Exclude<Prim, { k: 'clip' }>): string {
  switch (p.k) {
    case 'rect': return `<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.h)}"${paint(p)}/>`;
    case 'circle': return `<circle cx="${n(p.cx)}" cy="${n(p.cy)}" r="${n(p.r)}"${paint(p)}/>`;
    case 'path': return `<path d="${p.d}"${paint(p)}${p.crisp ? ' shape-rendering="crispEdges"' : ''}/>`;
    case 'text': return `<text x="${n(p.x)}" y="${n(p.y)}" font-size="${n(p.size)}"` +
      (p.bold ? ' font-weight="700"' : '') + (p.mono ? ` font-family="${MONO}"` : '') +
      (p.anchor === 'middle' ? ' text-anchor="middle"' : '') + `>${escapeXml(p.text)}</text>`;
  }
}

/** `id` must be unique among SVGs inlined into one page (it names the clip path). */
export function drawingToSvg(drawing: Drawing, title: string, id: string): string {
  const s = drawing.sizeMm;
  const out: string[] = [];
  let open = 0;
  for (const p of drawing.prims) {
    if (p.k === 'clip') {
      const cid = `${id}-clip${open}`;
      out.push(`<clipPath id="${cid}"><rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.h)}"/></clipPath>`,
        `<g clip-path="url(#${cid})">`);
      open++;
    } else out.push(element(p));
  }
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" xml:lang="zh-CN" width="${s}mm" height="${s}mm" viewBox="0 0 ${s} ${s}" font-family="${SANS}">\n` +
    `<title>${escapeXml(title)}</title>\n` +
    `<g transform="scale(${s / 100})">\n${out.join('\n')}\n${'</g>'.repeat(open)}</g>\n</svg>\n`;
}
