// The self-audit's hot loop over a million bodies, on their UTF-8 bytes: one pass proves a body
// is an RFC 8785 canonical, well-formed entry envelope and picks out the chain facts, with no
// text decoded and no value parsed (decoding, scanning text and parsing members cost ~8 µs a
// body; this ~1 µs). It is strict on purpose: it accepts only what it can prove (integers,
// short escapes, printable ASCII member names, ids without escapes) and otherwise declines, for
// the caller to take the text path, which reports exactly what is wrong.
import { ENTRY_VERSION, EVENT_TYPES, isEntryTime } from '../../entry.js';

const QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a, COMMA = 0x2c, MINUS = 0x2d, ZERO = 0x30, NINE = 0x39;
const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;
const MAX_INTEGER_DIGITS = 15; // every such integer is exact and prints as its digits
const MAX_DEPTH = 64;
const LITERALS = ['true', 'false', 'null'];
/** After a backslash, what JSON.stringify writes as a short escape: " \ b f n r t. */
const SHORT_ESCAPE = new Uint8Array(128);
for (const c of '"\\bfnrt') SHORT_ESCAPE[c.charCodeAt(0)] = 1;
/** The standard base64 alphabet: 1 for its characters. */
const BASE64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64[c.charCodeAt(0)] = 1;
const TYPES = new Set<string>(EVENT_TYPES);

class Decline extends Error {}
const DECLINE = new Decline();
const decline = (): never => {
  throw DECLINE;
};

const OBJECT = 1, ARRAY = 2, STRING = 3, OTHER = 4;
type Kind = number;
/** Whose members an object holds. */
const ENVELOPE = 0, BY_MEMBERS = 1, PREV_MEMBERS = 2, ANY_MEMBERS = 3;
/** The envelope's required members, as bits. */
const V = 1, TYPE = 2, AT = 4, BY = 8, DATA = 16;

const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
const latin1 = new TextDecoder('latin1');
/** ASCII bytes as a string (the scan has made sure every byte is below 0x80). */
const ascii = (b: Uint8Array, from: number, to: number): string =>
  NodeBuffer ? NodeBuffer.prototype.latin1Slice.call(b, from, to) : latin1.decode(b.subarray(from, to));

/**
 * Scans one body; after `scan` returns true, the fields hold its facts. The prev links stay
 * where they are in the body, as the offsets of their 44 base64 characters.
 */
export class EntryScanner {
  unit: string | undefined;
  manifest: string | undefined;
  prevUnitAt = -1;
  prevManifestAt = -1;
  private b: Uint8Array = new Uint8Array(0);
  /** The envelope members seen so far (V, TYPE…), and whether `by` has its role. */
  private seen = 0;
  private role = false;
  private at = 0;
  private end = 0;

  /** Whether body[from, to) is provably a canonical, well-formed envelope. */
  scan(body: Uint8Array, from: number, to: number): boolean {
    this.b = body;
    this.at = from;
    this.end = to;
    this.unit = this.manifest = undefined;
    this.prevUnitAt = this.prevManifestAt = -1;
    try {
      return this.envelope() && this.at === to;
    } catch (e) {
      if (e === DECLINE) return false;
      throw e;
    }
  }

  private code(): number {
    return this.at < this.end ? this.b[this.at] : -1;
  }

  private expect(c: number): void {
    if (this.code() !== c) decline();
    this.at++;
  }

  /** The top-level object: each member checked as the envelope wants it. */
  private envelope(): boolean {
    this.seen = 0;
    this.members(ENVELOPE, 0);
    if (this.prevUnitAt >= 0 && this.unit === undefined) return false;
    if (this.prevManifestAt >= 0 && this.manifest === undefined) return false;
    return this.seen === V + TYPE + AT + BY + DATA;
  }

  private envelopeMember(nameFrom: number, nameTo: number): void {
    switch (nameTo - nameFrom) {
      case 1: // v
        if (this.b[nameFrom] !== 0x76 || this.integer() !== ENTRY_VERSION) decline();
        this.seen |= V;
        return;
      case 2: // at, by
        if (this.named(nameFrom, 'at')) {
          if (!isEntryTime(this.plainString())) decline();
          this.seen |= AT;
        } else if (this.named(nameFrom, 'by')) {
          if (this.code() !== OPEN_OBJECT) decline();
          this.role = false;
          this.members(BY_MEMBERS, 1);
          if (!this.role) decline();
          this.seen |= BY;
        } else decline();
        return;
      case 3: // sig
        if (!this.named(nameFrom, 'sig') || this.value(1) !== ARRAY) decline();
        return;
      case 4: // data, prev, type, unit
        if (this.named(nameFrom, 'data')) {
          if (this.value(1) !== OBJECT) decline();
          this.seen |= DATA;
        } else if (this.named(nameFrom, 'prev')) {
          this.members(PREV_MEMBERS, 1);
        } else if (this.named(nameFrom, 'type')) {
          if (!TYPES.has(this.plainString())) decline();
          this.seen |= TYPE;
        } else if (this.named(nameFrom, 'unit')) {
          if ((this.unit = this.plainString()) === '') decline();
        } else decline();
        return;
      case 8: // manifest
        if (!this.named(nameFrom, 'manifest') || (this.manifest = this.plainString()) === '') decline();
        return;
      default:
        decline(); // an unknown envelope member
    }
  }

  /** Whether the bytes at `from` spell `name` (the caller has made sure they are there). */
  private named(from: number, name: string): boolean {
    for (let k = 0; k < name.length; k++) if (this.b[from + k] !== name.charCodeAt(k)) return false;
    return true;
  }

  /** A member of `prev`: a `unit` or `manifest` hash. */
  private prevMember(nameFrom: number, nameTo: number): void {
    const at = this.at + 1;
    this.hashString();
    if (nameTo - nameFrom === 4 && this.named(nameFrom, 'unit')) this.prevUnitAt = at;
    else if (nameTo - nameFrom === 8 && this.named(nameFrom, 'manifest')) this.prevManifestAt = at;
    else decline();
  }

  /** 43 base64 characters and "=" (as `envelopeProblems` wants a hash spelled). */
  private hashString(): void {
    this.expect(QUOTE);
    const { b, at } = this;
    if (at + 45 > this.end || b[at + 43] !== 0x3d || b[at + 44] !== QUOTE) decline();
    for (let i = at; i < at + 43; i++) if (!BASE64[b[i]]) decline();
    this.at = at + 45;
  }

  /**
   * A member's name and its colon; the name must come strictly after the previous one
   * [prevFrom, prevTo) (none: -1). Returns where the name ends; it starts one after `at` did.
   */
  private memberName(prevFrom: number, prevTo: number): number {
    const from = this.at + 1;
    this.name();
    const to = this.at - 1;
    if (prevFrom >= 0 && !this.ascending(prevFrom, prevTo, from, to)) decline();
    this.expect(COLON);
    return to;
  }

  /** After a member or element: true at the closing bracket, on at a comma. */
  private closes(close: number): boolean {
    const c = this.code();
    this.at++;
    if (c === close) return true;
    if (c !== COMMA) decline();
    return false;
  }

  /** Whether name a < name b (printable ASCII: bytes compare as UTF-16 code units do). */
  private ascending(aFrom: number, aTo: number, bFrom: number, bTo: number): boolean {
    const { b } = this;
    for (let i = 0; ; i++) {
      if (bFrom + i === bTo) return false; // b is a prefix of a, or equal
      if (aFrom + i === aTo) return true;
      if (b[aFrom + i] !== b[bFrom + i]) return b[aFrom + i] < b[bFrom + i];
    }
  }

  /** A member name: printable ASCII, no escapes. */
  private name(): void {
    this.at = this.plainStringEnd() + 1;
  }

  /** A string of printable ASCII without escapes, as its text. */
  private plainString(): string {
    const from = this.at + 1;
    const to = this.plainStringEnd();
    this.at = to + 1;
    return ascii(this.b, from, to);
  }

  /** Where the plain string at `at` ends (its closing quote). */
  private plainStringEnd(): number {
    this.expect(QUOTE);
    const { b, end } = this;
    for (let i = this.at; i < end; i++) {
      const c = b[i];
      if (c === QUOTE) return i;
      if (c < 0x20 || c > 0x7e || c === BACKSLASH) decline();
    }
    return decline();
  }

  private value(depth: number): Kind {
    const c = this.code();
    if (c === OPEN_OBJECT) {
      this.members(ANY_MEMBERS, depth);
      return OBJECT;
    }
    if (c === OPEN_ARRAY) {
      this.array(depth);
      return ARRAY;
    }
    if (c === QUOTE) {
      this.string();
      return STRING;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) this.integer();
    else this.literal();
    return OTHER;
  }

  /**
   * An object's members, names strictly increasing, each value checked as `kind` wants: the
   * envelope's, `by`'s and `prev`'s own rules, or any canonical value. (One loop with a switch,
   * not a callback: under tsx every closure made costs a defineProperty for its name.)
   */
  private members(kind: number, depth: number): void {
    if (depth > MAX_DEPTH) decline();
    this.expect(OPEN_OBJECT);
    if (this.code() === CLOSE_OBJECT) {
      this.at++;
      return;
    }
    for (let nameFrom = -1, nameTo = -1; ; ) {
      const from = this.at + 1;
      nameTo = this.memberName(nameFrom, nameTo);
      nameFrom = from;
      if (kind === ENVELOPE) this.envelopeMember(nameFrom, nameTo);
      else if (kind === PREV_MEMBERS) this.prevMember(nameFrom, nameTo);
      else if (this.value(depth + 1) === STRING && kind === BY_MEMBERS && nameTo - nameFrom === 4 && this.named(nameFrom, 'role')) this.role = true;
      if (this.closes(CLOSE_OBJECT)) return;
    }
  }

  private array(depth: number): void {
    if (depth > MAX_DEPTH) decline();
    this.expect(OPEN_ARRAY);
    if (this.code() === CLOSE_ARRAY) {
      this.at++;
      return;
    }
    do this.value(depth + 1);
    while (!this.closes(CLOSE_ARRAY));
  }

  /** A string as JSON.stringify writes it, in well-formed UTF-8 (no surrogates, no overlong forms). */
  private string(): void {
    this.expect(QUOTE);
    const { b, end } = this;
    let i = this.at;
    for (;;) {
      if (i >= end) decline();
      const c = b[i++];
      if (c === QUOTE) break;
      if (c < 0x20) decline();
      if (c === BACKSLASH) {
        if (i >= end || b[i] > 0x7f || !SHORT_ESCAPE[b[i]]) decline(); // \u…, \/: maybe valid, not proven canonical
        i++;
      } else if (c >= 0x80) {
        i = this.utf8Sequence(c, i);
      }
    }
    this.at = i;
  }

  /** The continuation of a multi-byte UTF-8 character led by `c`; returns the index after it. */
  private utf8Sequence(c: number, i: number): number {
    // (No closures in this loop: under tsx each one created costs a defineProperty for its name.)
    if (c >= 0xc2 && c <= 0xdf) return this.continuation(i, 0x80, 0xbf) + 1;
    if (c >= 0xe0 && c <= 0xef) {
      // no overlong form (E0 80–9F), no surrogate (ED A0–BF)
      this.continuation(i, c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf);
      return this.continuation(i + 1, 0x80, 0xbf) + 1;
    }
    if (c >= 0xf0 && c <= 0xf4) {
      // no overlong form (F0 80–8F), nothing past U+10FFFF (F4 90–BF)
      this.continuation(i, c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf);
      this.continuation(i + 1, 0x80, 0xbf);
      return this.continuation(i + 2, 0x80, 0xbf) + 1;
    }
    return decline();
  }

  private continuation(k: number, lo: number, hi: number): number {
    if (k >= this.end || this.b[k] < lo || this.b[k] > hi) decline();
    return k;
  }

  /** 0, or -?[1-9][0-9]* of at most 15 digits, as its value. */
  private integer(): number {
    const negative = this.code() === MINUS;
    if (negative) this.at++;
    const first = this.at;
    let c = this.code();
    let n = 0;
    if (c === ZERO) {
      if (negative) decline(); // -0 is written 0
      this.at++;
    } else if (c >= 0x31 && c <= NINE) {
      while ((c = this.code()) >= ZERO && c <= NINE) {
        n = n * 10 + (c - ZERO);
        this.at++;
      }
      if (this.at - first > MAX_INTEGER_DIGITS) decline();
    } else decline();
    c = this.code();
    if (c === 0x2e || c === 0x65 || c === 0x45 || (c >= ZERO && c <= NINE)) decline(); // a fraction, an exponent, a leading zero
    return negative ? -n : n;
  }

  private literal(): void {
    for (const word of LITERALS) {
      if (this.at + word.length <= this.end && this.named(this.at, word)) {
        this.at += word.length;
        return;
      }
    }
    decline();
  }
}
