// Text measuring and wrapping by estimate: widths are per-character guesses (in em) on the
// generous side for Noto Sans SC and the usual fallback fonts, so laid-out text stays inside
// its box whatever font the SVG viewer picks. The PDF uses the real font, which is narrower.

const NARROW = new Set(' il|!.,:;\'ijI');
const SEMI = new Set('frt()[]{}-/\\');
const WIDE = new Set('mwMW@%&');

/** Width of one character in em (checked against Noto Sans SC Regular and Bold in the tests). */
export function charEm(ch: string, mono = false): number {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x2e80 && !(cp >= 0xff61 && cp <= 0xffdc)) return 1; // CJK, kana, full-width forms
  if (mono) return 0.61; // Courier 0.6, DejaVu Sans Mono 0.602
  if (NARROW.has(ch)) return 0.38;
  if (SEMI.has(ch)) return 0.48;
  if (WIDE.has(ch)) return 1.02;
  if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')) return 0.66;
  return 0.8; // upper case, other punctuation and letters
}

export function textWidth(s: string, size: number, mono = false): number {
  let em = 0;
  for (const ch of s) em += charEm(ch, mono);
  return em * size;
}

// A CJK character (a line may break on either side of it), a run of other non-spaces, or spaces.
const TOKEN = /[\u2e80-\uffef]|[^\s\u2e80-\uffef]+|\s+/gu;

const CLOSING = new Set('，。、；：！？）》」』】〕,.;:!?)]}%％');

/** Greedy line breaking within `width`; words longer than a line are cut by characters. */
export function wrap(text: string, width: number, size: number, mono = false): string[] {
  const lines: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    let line = '';
    for (const tok of para.match(TOKEN) ?? []) {
      if (textWidth(line + tok, size, mono) <= width) { line += tok; continue; }
      if (/^\s+$/.test(tok)) { lines.push(line); line = ''; continue; }
      let carry = '';
      if (CLOSING.has(tok[0]) && [...line].length > 1 && !/\s$/.test(line)) { // no line may start with closing punctuation
        const chars = [...line];
        carry = chars.pop()!;
        line = chars.join('');
      }
      if (line.trim()) lines.push(line.trimEnd());
      line = carry;
      for (const ch of tok) {
        if (line && textWidth(line + ch, size, mono) > width) { lines.push(line); line = ''; }
        line += ch;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Cuts a line so that it, with a trailing ellipsis, fits `width`. */
export function ellipsize(line: string, width: number, size: number, mono = false): string {
  const chars = [...line.trimEnd()];
  while (chars.length && textWidth(chars.join('') + '…', size, mono) > width) chars.pop();
  return chars.join('') + '…';
}

// XML 1.0 forbids most C0 controls, even escaped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(s: string): string {
  return s.replace(INVALID_XML, '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
