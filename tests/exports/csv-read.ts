// An RFC 4180 reader for the tests (quoted fields, doubled quotes, CRLF), strict enough to catch
// a writer that gets quoting wrong: a quote inside an unquoted field is an error.
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (ch === '"') (quoted = false), i++;
      else (field += ch), i++;
    } else if (ch === '"') {
      if (field !== '') throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field), (field = ''), i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), (i += 2);
    } else if (ch === '\n' || ch === '\r') {
      throw new Error(`a bare line break at ${i}: lines end with CRLF`);
    } else (field += ch), i++;
  }
  if (quoted) throw new Error('an unterminated quoted field');
  if (field !== '' || row.length > 0) throw new Error('the last line does not end with CRLF');
  return rows;
}
