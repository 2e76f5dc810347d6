// A one-pass check that a JSON text is already in RFC 8785 form, for the self-audit's hot loop:
// a million bodies parsed, serialised again and compared cost ~8 µs each; a scan costs ~1 µs.
// It is deliberately strict: it proves a text canonical only in the shapes our entries take
// (integers, strings whose escapes are the short ones, ASCII member names) and otherwise answers
// `undefined`, "cannot tell", for the caller to fall back to parse-and-serialise. So a text it
// accepts is canonical; a text it declines may still be.

const QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a, COMMA = 0x2c;
const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;
const ZERO = 0x30, NINE = 0x39, MINUS = 0x2d;
/** The escapes JSON.stringify (and so RFC 8785 §3.2.2.2) writes for these: \" \\ \b \f \n \r \t. */
const SHORT_ESCAPES = new Set([QUOTE, BACKSLASH, 0x62, 0x66, 0x6e, 0x72, 0x74]);
/** Characters a string holds as themselves: not ", \, a control character or a surrogate. */
const PLAIN_RUN = /[^"\\\u0000-\u001f\ud800-\udfff]*/y;
/** The same within member names, which must be printable ASCII. */
const PLAIN_NAME = /[\u0020\u0021\u0023-\u005b\u005d-\u007e]*/y;
/** 15 digits: every such integer is exact and prints as its digits (no exponent form). */
const MAX_INTEGER_DIGITS = 15;

class Decline extends Error {}
const decline = (): never => {
  throw new Decline();
};

/** Top-level members of a canonical JSON object: name → the value's exact text, in order. */
export type CanonicalMembers = Map<string, string>;

/** The members of `text` when it is, provably, one RFC 8785 canonical JSON object; else undefined. */
export function scanCanonicalObject(text: string): CanonicalMembers | undefined {
  const s = new Scanner(text);
  try {
    const members = s.object(true)!;
    return s.at === text.length ? members : undefined;
  } catch (e) {
    if (e instanceof Decline || e instanceof RangeError) return undefined; // RangeError: nesting too deep
    throw e;
  }
}

class Scanner {
  at = 0;
  constructor(private readonly text: string) {}

  private code(): number {
    return this.text.charCodeAt(this.at); // NaN past the end: matches nothing below
  }

  private expect(c: number): void {
    if (this.code() !== c) decline();
    this.at++;
  }

  value(): void {
    const c = this.code();
    if (c === OPEN_OBJECT) this.object(false);
    else if (c === OPEN_ARRAY) this.array();
    else if (c === QUOTE) this.string(false);
    else if (c === MINUS || (c >= ZERO && c <= NINE)) this.integer();
    else this.literal();
  }

  /** An object whose member names strictly increase (so none twice); the members when asked for. */
  object(collect: boolean): CanonicalMembers | undefined {
    this.expect(OPEN_OBJECT);
    const members = collect ? new Map<string, string>() : undefined;
    if (this.code() === CLOSE_OBJECT) {
      this.at++;
      return members;
    }
    let previous: string | undefined;
    for (;;) {
      const start = this.at + 1;
      this.string(true);
      const name = this.text.slice(start, this.at - 1);
      // ASCII names without escapes: the text is the name, and < compares UTF-16 code units.
      if (previous !== undefined && !(previous < name)) decline();
      previous = name;
      this.expect(COLON);
      const valueStart = this.at;
      this.value();
      members?.set(name, this.text.slice(valueStart, this.at));
      const c = this.code();
      this.at++;
      if (c === CLOSE_OBJECT) return members;
      if (c !== COMMA) decline();
    }
  }

  private array(): void {
    this.expect(OPEN_ARRAY);
    if (this.code() === CLOSE_ARRAY) {
      this.at++;
      return;
    }
    for (;;) {
      this.value();
      const c = this.code();
      this.at++;
      if (c === CLOSE_ARRAY) return;
      if (c !== COMMA) decline();
    }
  }

  /** A string as JSON.stringify writes it; a member name must also be printable ASCII without escapes. */
  private string(name: boolean): void {
    this.expect(QUOTE);
    const { text } = this;
    const plain = name ? PLAIN_NAME : PLAIN_RUN;
    for (;;) {
      // Skip the run of characters that stand for themselves (native regex, no allocation).
      plain.lastIndex = this.at;
      plain.test(text);
      this.at = plain.lastIndex;
      const c = text.charCodeAt(this.at++);
      if (c === QUOTE) return;
      if (name || c < 0x20 || Number.isNaN(c)) decline(); // an escape or odd character in a name, a raw control character, the end
      if (c === BACKSLASH) {
        if (!SHORT_ESCAPES.has(text.charCodeAt(this.at++))) decline(); // \u…, \/: maybe valid, not proven canonical
      } else {
        // A surrogate: only a well-formed pair is written raw; a lone surrogate would be \ud…
        const low = text.charCodeAt(this.at++);
        if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) decline();
      }
    }
  }

  /** 0, or -?[1-9][0-9]* of at most 15 digits: the ECMAScript form of such a number. */
  private integer(): void {
    const negative = this.code() === MINUS;
    if (negative) this.at++;
    const first = this.at;
    let c = this.code();
    if (c === ZERO) {
      if (negative) decline(); // -0 is written 0
      this.at++;
    } else if (c >= 0x31 && c <= NINE) {
      while ((c = this.code()) >= ZERO && c <= NINE) this.at++;
      if (this.at - first > MAX_INTEGER_DIGITS) decline();
    } else decline();
    c = this.code();
    if (c === 0x2e || c === 0x65 || c === 0x45 || (c >= ZERO && c <= NINE)) decline(); // a fraction, an exponent, a leading zero
  }

  private literal(): void {
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return;
      }
    }
    decline();
  }
}
