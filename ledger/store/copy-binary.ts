// PostgreSQL's binary COPY format (the "COPY" page of its manual, "Binary Format"): an 11-byte
// signature, flags, a header extension, then per row a 16-bit field count and each field as a
// 32-bit length (-1 for NULL) and its bytes, all big-endian; a field count of -1 ends the data.
// Parsed into offsets rather than per-row objects: the audit reads a million rows this way.

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // PGCOPY\n\377\r\n\0

export class CopyFormatError extends Error {}

/** Rows of `width` fields; field f of row r spans data[starts[k], ends[k]) with k = r * width + f (start -1: NULL). */
export interface CopyRows {
  data: Uint8Array;
  count: number;
  width: number;
  starts: number[];
  ends: number[];
}

export function parseCopyBinary(data: Uint8Array): CopyRows {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const need = (at: number, n: number) => {
    if (at + n > data.length) throw new CopyFormatError(`binary COPY data ends inside a row at byte ${at}`);
  };
  need(0, 19);
  if (SIGNATURE.some((b, i) => data[i] !== b)) throw new CopyFormatError('not binary COPY data: bad signature');
  let at = 19 + view.getUint32(15); // flags (4 bytes) skipped; the header extension's length
  const rows: CopyRows = { data, count: 0, width: -1, starts: [], ends: [] };
  for (;;) {
    need(at, 2);
    const fields = view.getInt16(at);
    at += 2;
    if (fields === -1) return rows;
    if (rows.width === -1) rows.width = fields;
    else if (fields !== rows.width) throw new CopyFormatError(`row ${rows.count} has ${fields} fields, not ${rows.width}`);
    for (let f = 0; f < fields; f++) {
      need(at, 4);
      const length = view.getInt32(at);
      at += 4;
      if (length === -1) {
        rows.starts.push(-1);
        rows.ends.push(-1);
        continue;
      }
      need(at, length);
      rows.starts.push(at);
      rows.ends.push(at + length);
      at += length;
    }
    rows.count++;
  }
}

/** Field f of row r, as a view into the data (null for NULL). */
export function copyField(rows: CopyRows, r: number, f: number): Uint8Array | null {
  const k = r * rows.width + f;
  return rows.starts[k] === -1 ? null : rows.data.subarray(rows.starts[k], rows.ends[k]);
}

/** Where field f of every row lies in the data (a NULL field: -1, which wraps to 2^32 - 1). */
export function fieldSpans(rows: CopyRows, f: number): { starts: Uint32Array; ends: Uint32Array } {
  const starts = new Uint32Array(rows.count);
  const ends = new Uint32Array(rows.count);
  for (let r = 0, k = f; r < rows.count; r++, k += rows.width) {
    starts[r] = rows.starts[k];
    ends[r] = rows.ends[k];
  }
  return { starts, ends };
}

/** A smallint, integer or bigint field (2, 4 or 8 bytes, big-endian) as a number. */
export function int(field: Uint8Array | null): number {
  const v = field && new DataView(field.buffer, field.byteOffset, field.byteLength);
  if (v?.byteLength === 2) return v.getInt16(0);
  if (v?.byteLength === 4) return v.getInt32(0);
  if (v?.byteLength !== 8) throw new CopyFormatError('expected a 2, 4 or 8-byte integer field');
  const n = v.getInt32(0) * 2 ** 32 + v.getUint32(4);
  if (!Number.isSafeInteger(n)) throw new CopyFormatError(`not a safe integer: ${n}`);
  return n;
}
