// The CJK font for PDFs: Noto Sans SC (SIL OFL 1.1) from `@fontsource-variable/noto-sans-sc`,
// a variable font split into ~100 WOFF2 slices by Unicode range (4.9 MB installed, vs 10+ MB
// for one full weight). Text is split into runs by slice; each slice is decoded to TTF and
// instanced at the needed weight once per process, then subset by pdfkit.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { woff2ToTtf } from './woff2.js';
import { staticInstance } from './instance.js';

const PKG = '@fontsource-variable/noto-sans-sc';
const req = createRequire(import.meta.url);

export type Weight = 'regular' | 'bold';
const WEIGHTS: Record<Weight, [number, string]> = { regular: [400, 'Regular'], bold: [700, 'Bold'] };

let ranges: [number, number, string][] | undefined;
function sliceRanges() {
  if (!ranges) {
    const unicode = req(`${PKG}/unicode.json`) as Record<string, string>;
    ranges = [];
    for (const [key, list] of Object.entries(unicode)) {
      for (const r of list.split(',')) {
        const m = /U\+([0-9a-f]+)(?:-([0-9a-f]+))?/i.exec(r.trim());
        if (m) ranges.push([parseInt(m[1], 16), parseInt(m[2] ?? m[1], 16), key.replace(/[[\]]/g, '')]);
      }
    }
  }
  return ranges;
}

/** The slice holding a code point ('latin' for anything the font lacks: it shows as .notdef). */
export function sliceOf(cp: number): string {
  return sliceRanges().find(([lo, hi]) => cp >= lo && cp <= hi)?.[2] ?? 'latin';
}

/** Splits text into runs that each come from one slice. */
export function sliceRuns(text: string): { slice: string; text: string }[] {
  const runs: { slice: string; text: string }[] = [];
  for (const ch of text) {
    const slice = /\s/.test(ch) && runs.length ? runs[runs.length - 1].slice : sliceOf(ch.codePointAt(0)!);
    const last = runs[runs.length - 1];
    if (last?.slice === slice) last.text += ch;
    else runs.push({ slice, text: ch });
  }
  return runs;
}

const cache = new Map<string, Buffer>();
/** A static TTF of one slice at one weight. */
export function sliceFont(slice: string, weight: Weight): Buffer {
  const key = `${slice}/${weight}`;
  let font = cache.get(key);
  if (!font) {
    const woff2 = readFileSync(req.resolve(`${PKG}/files/noto-sans-sc-${slice}-wght-normal.woff2`));
    const [wght, style] = WEIGHTS[weight];
    font = staticInstance(woff2ToTtf(woff2), wght, 'Noto Sans SC', style);
    cache.set(key, font);
  }
  return font;
}
