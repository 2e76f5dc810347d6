// Mixed Chinese/Latin text for pdfkit documents, in Noto Sans SC (the labels' font: split into
// Unicode-range slices, each embedded as a subset with a ToUnicode map, so the text can be
// extracted again). Measured with the real fonts' advances (cached per character, so wrapping
// stays linear; kerning is ignored there): lines are wrapped or cut to fit their cell.
import { sliceFont, sliceOf, sliceRuns, type Weight } from '../labels/cjk-font.js';

export interface TextStyle {
  size: number;
  bold?: boolean;
  color?: string;
}

export class PdfText {
  private readonly fonts = new Set<string>();

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  private font(slice: string, weight: Weight): string {
    const name = `cjk-${slice}-${weight}`;
    if (!this.fonts.has(name)) {
      this.doc.registerFont(name, sliceFont(slice, weight));
      this.fonts.add(name);
    }
    return name;
  }

  private runs(text: string, s: TextStyle) {
    return sliceRuns(text).map((r) => {
      const font = this.font(r.slice, s.bold ? 'bold' : 'regular');
      return { font, text: r.text, width: this.width(r.text, s) };
    });
  }

  private readonly advances = new Map<string, number>();

  /** The text's width at the style's size, from each character's advance. */
  width(text: string, s: TextStyle): number {
    const weight: Weight = s.bold ? 'bold' : 'regular';
    let em = 0;
    for (const ch of text) {
      const key = weight + ch;
      let a = this.advances.get(key);
      if (a === undefined) {
        a = this.doc.font(this.font(sliceOf(ch.codePointAt(0)!), weight)).fontSize(1).widthOfString(ch);
        this.advances.set(key, a);
      }
      em += a;
    }
    return em * s.size;
  }

  /** One line with its top-left corner at (x, y); cut with an ellipsis past `maxWidth`. Returns its width. */
  line(text: string, x: number, y: number, s: TextStyle, maxWidth?: number): number {
    let t = text;
    if (maxWidth !== undefined && this.width(t, s) > maxWidth) {
      const chars = [...t];
      while (chars.length && this.width(chars.join('') + '…', s) > maxWidth) chars.pop();
      t = chars.join('') + '…';
    }
    let cx = x;
    this.doc.fillColor(s.color ?? '#000000');
    for (const r of this.runs(t, s)) {
      this.doc.font(r.font).fontSize(s.size).text(r.text, cx, y + s.size * 0.88, { lineBreak: false, baseline: 'alphabetic' });
      cx += r.width;
    }
    return cx - x;
  }

  /** Greedy wrapping at spaces, or anywhere within Chinese text, to lines of at most `width`. */
  wrap(text: string, width: number, s: TextStyle): string[] {
    const lines: string[] = [];
    for (const para of text.split('\n')) {
      let line = '';
      for (const tok of para.match(/[\u2e80-\uffef]|[^\s\u2e80-\uffef]+|\s+/gu) ?? []) {
        if (this.width(line + tok, s) <= width) { line += tok; continue; }
        if (/^\s+$/.test(tok)) { lines.push(line); line = ''; continue; }
        if (line.trim()) lines.push(line.trimEnd());
        line = '';
        for (const ch of tok) {
          if (line && this.width(line + ch, s) > width) { lines.push(line); line = ''; }
          line += ch;
        }
      }
      lines.push(line.trimEnd());
    }
    return lines;
  }
}
