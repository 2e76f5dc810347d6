// Just enough of a PDF reader to get pdfkit's text back out: objects, page order, fonts, and
// TJ strings mapped through each font's ToUnicode CMap (Type0 fonts) or as Latin-1 (base fonts).
import { inflateSync } from 'node:zlib';

export interface PdfObject { dict: string; stream?: Buffer }

export function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const s = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const start = re.lastIndex;
    const end = s.indexOf('endobj', start);
    const streamAt = s.indexOf('\nstream\n', start);
    if (streamAt < 0 || streamAt > end) { objects.set(+m[1], { dict: s.slice(start, end) }); continue; }
    const dict = s.slice(start, streamAt);
    const from = streamAt + '\nstream\n'.length;
    const raw = pdf.subarray(from, from + Number(/\/Length (\d+)/.exec(dict)![1]));
    objects.set(+m[1], { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
    re.lastIndex = from + raw.length;
  }
  return objects;
}

const ref = (dict: string, key: string) => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(dict)?.[1]);

/** gid → text from a ToUnicode CMap (bfrange arrays and bfchar, as pdfkit writes them). */
export function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const text = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const [, lo, , list] of cmap.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*\[([^\]]*)\]/gi)) {
    [...list.matchAll(/<([0-9a-f]+)>/gi)].forEach(([, u], i) => map.set(parseInt(lo, 16) + i, text(u)));
  }
  const chars = /beginbfchar([\s\S]*?)endbfchar/.exec(cmap)?.[1] ?? '';
  for (const [, g, u] of chars.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>/gi)) map.set(parseInt(g, 16), text(u));
  return map;
}

/** The text of each page, in drawing order, runs concatenated. */
export function pageTexts(pdf: Buffer): string[] {
  const objs = pdfObjects(pdf);
  const pagesObj = [...objs.values()].find((o) => /\/Type \/Pages\b/.test(o.dict))!;
  const kids = [.../\/Kids \[([^\]]*)\]/.exec(pagesObj.dict)![1].matchAll(/(\d+) 0 R/g)].map((k) => +k[1]);
  return kids.map((id) => {
    const page = objs.get(id)!.dict;
    const resources = objs.get(ref(page, 'Resources'))!.dict;
    const fonts = new Map<string, (hex: string) => string>();
    for (const [, name, fid] of /\/Font <<([\s\S]*?)>>/.exec(resources)![1].matchAll(/\/(\S+) (\d+) 0 R/g)) {
      const font = objs.get(+fid)!.dict;
      const tu = ref(font, 'ToUnicode');
      if (tu) {
        const map = parseToUnicode(objs.get(tu)!.stream!.toString('latin1'));
        fonts.set(name, (hex) => (hex.match(/.{4}/g) ?? []).map((g) => map.get(parseInt(g, 16)) ?? '\ufffd').join(''));
      } else fonts.set(name, (hex) => Buffer.from(hex, 'hex').toString('latin1'));
    }
    const content = objs.get(ref(page, 'Contents'))!.stream!.toString('latin1');
    let font = '';
    let out = '';
    for (const [, f, tj] of content.matchAll(/\/(\S+) [\d.]+ Tf|\[([^\]]*)\] TJ/g)) {
      if (f) font = f;
      else for (const [, hex] of tj.matchAll(/<([0-9a-f]*)>/gi)) out += fonts.get(font)!(hex);
    }
    return out;
  });
}
