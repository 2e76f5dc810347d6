import { describe, expect, it } from 'vitest';
import { ellipsize, escapeXml, textWidth, wrap } from '../../server/labels/text.js';

describe('wrap', () => {
  it('breaks Chinese between any two characters and keeps every line within the width', () => {
    const lines = wrap('含有机溶剂的精馏残渣含有机溶剂的精馏残渣', 5, 1);
    expect(lines).toEqual(['含有机溶剂', '的精馏残渣', '含有机溶剂', '的精馏残渣']);
  });

  it('keeps Latin words whole where it can and cuts words longer than a line', () => {
    expect(wrap('Dichloromethane and toluene', 10, 1)).toEqual(['Dichloromethane', 'and toluene']);
    expect(wrap('x'.repeat(20), 5, 1)).toEqual(['x'.repeat(7), 'x'.repeat(7), 'x'.repeat(6)]);
    expect(wrap('aa bb cc', 2.9, 1)).toEqual(['aa', 'bb', 'cc']);
  });

  it('starts no line with closing punctuation', () => {
    const lines = wrap('密封保存远离火源，佩戴防护用品。', 8, 1);
    for (const l of lines) expect(l[0]).not.toMatch(/[，。]/);
    expect(lines.join('')).toBe('密封保存远离火源，佩戴防护用品。');
  });

  it('honours line breaks and returns one empty line for empty text', () => {
    expect(wrap('甲\n乙', 10, 1)).toEqual(['甲', '乙']);
    expect(wrap('', 10, 1)).toEqual(['']);
  });
});

describe('ellipsize and escapeXml', () => {
  it('cuts with an ellipsis inside the width', () => {
    const cut = ellipsize('浙江省某化工园区制药有限公司', 6, 1);
    expect(cut.endsWith('…')).toBe(true);
    expect(textWidth(cut, 1)).toBeLessThanOrEqual(6);
  });
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0000\u001f`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
