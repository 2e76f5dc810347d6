// Byte helpers that work the same in Node and in the browser (no Buffer in the public types).

export type Bytes = Uint8Array;

const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c) => c.charCodeAt(0));
const SHORT = 48;
const shortCodes: number[] = new Array(Math.ceil(SHORT / 3) * 4);

export function toBase64(b: Bytes): string {
  // Hashes are encoded by the million in an audit: for them, encoding here beats making a
  // Buffer view (which, for a small array V8 keeps on its heap, first moves it off the heap).
  if (b.length <= SHORT) return shortBase64(b);
  if (NodeBuffer) return NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function shortBase64(b: Bytes): string {
  let n = 0;
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    shortCodes[n++] = ALPHABET[v >> 18];
    shortCodes[n++] = ALPHABET[(v >> 12) & 63];
    shortCodes[n++] = ALPHABET[(v >> 6) & 63];
    shortCodes[n++] = ALPHABET[v & 63];
  }
  if (i < b.length) {
    const v = (b[i] << 16) | (i + 1 < b.length ? b[i + 1] << 8 : 0);
    shortCodes[n++] = ALPHABET[v >> 18];
    shortCodes[n++] = ALPHABET[(v >> 12) & 63];
    shortCodes[n++] = i + 1 < b.length ? ALPHABET[(v >> 6) & 63] : 0x3d;
    shortCodes[n++] = 0x3d;
  }
  shortCodes.length = n;
  const s = String.fromCharCode.apply(null, shortCodes);
  shortCodes.length = Math.ceil(SHORT / 3) * 4;
  return s;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 with padding; throws on anything else. */
export function fromBase64(s: string): Bytes {
  if (!BASE64.test(s)) throw new Error('not standard padded base64');
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(s, 'base64'));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toHex(b: Bytes): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(s: string): Bytes {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) throw new Error('not hex');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concat(...parts: Bytes[]): Bytes {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function equalBytes(a: Bytes, b: Bytes): boolean {
  return a.length === b.length && equalBytesAt(a, 0, b, 0, a.length);
}

/** a[aAt, aAt + n) equals b[bAt, bAt + n), compared in place (no views made: hot loops call it). */
export function equalBytesAt(a: Bytes, aAt: number, b: Bytes, bAt: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[aAt + i] ^ b[bAt + i];
  return diff === 0;
}

/** Byte strings packed into one buffer, part i being data[starts[i], ends[i]): one buffer to move to a worker. */
export function packBytes(parts: Bytes[]): { data: Uint8Array; starts: Uint32Array; ends: Uint32Array } {
  const starts = new Uint32Array(parts.length);
  const ends = new Uint32Array(parts.length);
  let size = 0;
  parts.forEach((b, i) => {
    starts[i] = size;
    ends[i] = size += b.length;
  });
  const data = new Uint8Array(size);
  parts.forEach((b, i) => data.set(b, starts[i]));
  return { data, starts, ends };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
export const utf8 = (s: string): Bytes => encoder.encode(s);
export const fromUtf8 = (b: Bytes): string => decoder.decode(b);
