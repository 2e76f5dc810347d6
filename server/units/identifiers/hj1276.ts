// HJ 1276-2022 数字识别码 (digital identification code) of one fill of waste: 37 characters in
// four segments — generating/collecting unit, waste code, date, sequence. The standard's exact
// segment lengths are UNCONFIRMED (reference/domain.md §A3), so the split lives only here, as a
// data description that can be swapped without touching callers.
import { cstDay } from '../../china-time.js';
import { isValidUscc } from '../../registry/validate.js';
import { Hj1276Error, show, type Hj1276ErrorCode } from './errors.js';

export type Hj1276SegmentName = 'producer' | 'waste' | 'date' | 'sequence';

export interface Hj1276Segment {
  readonly name: Hj1276SegmentName;
  readonly length: number;
  /** Why `text` (already `length` characters) is not acceptable, or undefined when it is. */
  readonly validate: (text: string) => string | undefined;
}

/**
 * Segments in the order they appear in the code; each of the four names exactly once.
 * Rendering is fixed per name and length: producer as given; waste code as 8 digits (length 8)
 * or `NNN-NNN-NN` (length 10); date as YYYYMMDD (8) or YYMMDD (6, years 2000–2099); sequence
 * as zero-padded decimal. These cover the plausible 37-character splits (18+8+8+3, 18+10+6+3,
 * 18+8+6+5) until the standard's text is confirmed.
 */
export interface Hj1276Format {
  readonly segments: readonly Hj1276Segment[];
}

export interface Hj1276Input {
  /** Code of the generating or collecting unit; by default its 18-character USCC. */
  producerCode: string;
  /** National list code, `271-001-02` (8 digits without dashes also accepted). */
  wasteCode: string;
  /** A Date is taken as its calendar date in China Standard Time (UTC+8). */
  date: Date | string;
  sequence: number;
}

export interface Hj1276Parts {
  code: string;
  producerCode: string;
  /** With dashes: `271-001-02`. */
  wasteCode: string;
  /** `YYYY-MM-DD`. */
  date: string;
  sequence: number;
  /** The raw text of each segment. */
  segments: Record<Hj1276SegmentName, string>;
}

const ERROR_OF: Record<Hj1276SegmentName, Hj1276ErrorCode> = {
  producer: 'HJ1276_PRODUCER_CODE',
  waste: 'HJ1276_WASTE_CODE',
  date: 'HJ1276_DATE',
  sequence: 'HJ1276_SEQUENCE',
};
const NAMES = Object.keys(ERROR_OF) as Hj1276SegmentName[];

/** Checks a format description once; throws HJ1276_FORMAT when it cannot work. */
export function defineHj1276Format(segments: readonly Hj1276Segment[]): Hj1276Format {
  const names = segments.map((s) => s.name);
  if (segments.length !== 4 || NAMES.some((n) => !names.includes(n))) {
    throw new Hj1276Error('HJ1276_FORMAT', `an HJ 1276 format needs the segments ${NAMES.join(', ')} once each, got ${names.join(', ')}`);
  }
  for (const s of segments) {
    const max = s.name === 'sequence' ? 15 : 64; // a sequence must stay a safe integer
    if (!Number.isInteger(s.length) || s.length < 1 || s.length > max) {
      throw new Hj1276Error('HJ1276_FORMAT', `segment ${s.name} has an unusable length ${s.length}`);
    }
    if (s.name === 'date' && s.length !== 8 && s.length !== 6) {
      throw new Hj1276Error('HJ1276_FORMAT', `the date segment must be 8 (YYYYMMDD) or 6 (YYMMDD) long, got ${s.length}`);
    }
    if (s.name === 'waste' && s.length !== 8 && s.length !== 10) {
      throw new Hj1276Error('HJ1276_FORMAT', `the waste segment must be 8 (digits) or 10 (with dashes) long, got ${s.length}`);
    }
    if (typeof s.validate !== 'function') throw new Hj1276Error('HJ1276_FORMAT', `segment ${s.name} has no validator`);
  }
  return Object.freeze({ segments: Object.freeze([...segments]) });
}

/** Total length of codes in this format (37 by the standard). */
export const hj1276Length = (format: Hj1276Format): number => format.segments.reduce((n, s) => n + s.length, 0);

/** Default segment validators; they accept every rendering above, so custom formats can reuse them. */
export const HJ1276_VALIDATORS = {
  producer: (t: string) => (isValidUscc(t) ? undefined : `${show(t)} is not a valid unified social credit code (GB 32100-2015 shape and check character)`),
  waste: (t: string) => {
    if (!/^(\d{8}|\d{3}-\d{3}-\d{2})$/.test(t)) return `waste code ${show(t)} must be NNNNNNNN or NNN-NNN-NN`;
    // The last two digits are the HW category; whether the code exists is the registry's job.
    if (t.endsWith('00')) return `waste code ${show(t)} has category 00 (there is no HW00)`;
    return undefined;
  },
  date: (t: string) => (parseDateDigits(t) ? undefined : `${show(t)} is not a calendar date (YYYYMMDD or YYMMDD)`),
  sequence: (t: string) => (/^\d+$/.test(t) && !/^0+$/.test(t) ? undefined : `sequence ${show(t)} must be digits, counting from 1`),
} satisfies Record<Hj1276SegmentName, Hj1276Segment['validate']>;

/**
 * The unconfirmed hypothesis from domain.md §A3: USCC (18) + waste code without dashes (8) +
 * YYYYMMDD (8) + sequence (3) = 37.
 */
export const DEFAULT_HJ1276_FORMAT: Hj1276Format = defineHj1276Format([
  { name: 'producer', length: 18, validate: HJ1276_VALIDATORS.producer },
  { name: 'waste', length: 8, validate: HJ1276_VALIDATORS.waste },
  { name: 'date', length: 8, validate: HJ1276_VALIDATORS.date },
  { name: 'sequence', length: 3, validate: HJ1276_VALIDATORS.sequence },
]);

export function formatHj1276Code(input: Hj1276Input, format: Hj1276Format = DEFAULT_HJ1276_FORMAT): string {
  if (typeof input.producerCode !== 'string') {
    throw new Hj1276Error('HJ1276_PRODUCER_CODE', `producer code must be a string, got ${show(input.producerCode)}`);
  }
  const len = (name: Hj1276SegmentName) => format.segments.find((s) => s.name === name)!.length;
  const text: Record<Hj1276SegmentName, string> = {
    producer: input.producerCode,
    waste: wasteText(input.wasteCode, len('waste')),
    date: dateText(input.date, len('date')),
    sequence: sequenceText(input.sequence, len('sequence')),
  };
  let code = '';
  for (const seg of format.segments) {
    const t = text[seg.name];
    if (t.length !== seg.length) {
      throw new Hj1276Error(ERROR_OF[seg.name], `${seg.name} segment must be ${seg.length} characters, got ${t.length}: ${show(t)}`);
    }
    const why = seg.validate(t);
    if (why !== undefined) throw new Hj1276Error(ERROR_OF[seg.name], why);
    code += t;
  }
  return code;
}

export function parseHj1276Code(code: string, format: Hj1276Format = DEFAULT_HJ1276_FORMAT): Hj1276Parts {
  const total = hj1276Length(format);
  if (typeof code !== 'string' || code.length !== total) {
    const layout = format.segments.map((s) => `${s.name} ${s.length}`).join(' + ');
    const got = typeof code === 'string' ? `${code.length} characters: ${show(code, 60)}` : show(code);
    throw new Hj1276Error('HJ1276_LENGTH', `an HJ 1276 code has ${total} characters (${layout}), got ${got}`);
  }
  const segments = {} as Record<Hj1276SegmentName, string>;
  let at = 0;
  for (const seg of format.segments) {
    const t = code.slice(at, at + seg.length);
    const why = seg.validate(t);
    if (why !== undefined) throw new Hj1276Error(ERROR_OF[seg.name], `${why} (characters ${at + 1}–${at + seg.length})`);
    segments[seg.name] = t;
    at += seg.length;
  }
  const w = segments.waste.replace(/^(\d{3})-(\d{3})-(\d{2})$/, '$1$2$3');
  const ymd = parseDateDigits(segments.date);
  // A custom validator might accept what we cannot read back; say so rather than return junk.
  if (!/^\d{8}$/.test(w)) throw new Hj1276Error('HJ1276_WASTE_CODE', `waste segment ${show(segments.waste)} is not a waste code`);
  if (!ymd) throw new Hj1276Error('HJ1276_DATE', `date segment ${show(segments.date)} is not a calendar date`);
  if (!/^\d+$/.test(segments.sequence)) throw new Hj1276Error('HJ1276_SEQUENCE', `sequence ${show(segments.sequence)} is not decimal`);
  return {
    code,
    producerCode: segments.producer,
    wasteCode: `${w.slice(0, 3)}-${w.slice(3, 6)}-${w.slice(6)}`,
    date: ymd,
    sequence: Number(segments.sequence),
    segments,
  };
}

export function isHj1276Code(code: string, format: Hj1276Format = DEFAULT_HJ1276_FORMAT): boolean {
  try {
    parseHj1276Code(code, format);
    return true;
  } catch {
    return false;
  }
}

// ---- rendering helpers ----

function wasteText(wasteCode: string, length: number): string {
  if (typeof wasteCode !== 'string' || !/^(\d{3}-\d{3}-\d{2}|\d{8})$/.test(wasteCode)) {
    throw new Hj1276Error('HJ1276_WASTE_CODE', `waste code must look like 271-001-02, got ${show(wasteCode)}`);
  }
  const d = wasteCode.replace(/-/g, '');
  return length === 8 ? d : `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`;
}

function dateText(date: Date | string, length: number): string {
  let y: number, m: number, d: number;
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new Hj1276Error('HJ1276_DATE', 'date is an invalid Date');
    const { yyyy, mm, dd } = cstDay(date);
    [y, m, d] = [Number(yyyy), Number(mm), Number(dd)];
  } else {
    const ymd = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? parseDateDigits(date.replace(/-/g, '')) : undefined;
    if (!ymd) throw new Hj1276Error('HJ1276_DATE', `date must be a Date or a calendar date YYYY-MM-DD, got ${show(date)}`);
    [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  }
  const inRange = length === 8 ? y >= 1 && y <= 9999 : y >= 2000 && y <= 2099;
  if (!inRange) throw new Hj1276Error('HJ1276_DATE', `year ${y} does not fit a ${length}-digit date code`);
  const mmdd = `${pad(m, 2)}${pad(d, 2)}`;
  return length === 8 ? `${pad(y, 4)}${mmdd}` : `${pad(y % 100, 2)}${mmdd}`;
}

/** `YYYYMMDD` or `YYMMDD` (20YY) to `YYYY-MM-DD`, or undefined when it is not a real date. */
function parseDateDigits(t: string): string | undefined {
  const m = /^(\d{4}|\d{2})(\d{2})(\d{2})$/.exec(t);
  if (!m) return undefined;
  const y = m[1]!.length === 2 ? 2000 + Number(m[1]) : Number(m[1]);
  const [mo, d] = [Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return `${pad(y, 4)}-${m[2]}-${m[3]}`;
}

const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

function sequenceText(sequence: number, length: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new Hj1276Error('HJ1276_SEQUENCE', `sequence must be a non-negative integer, got ${show(sequence)}`);
  }
  const max = 10 ** length - 1;
  if (sequence > max) {
    throw new Hj1276Error('HJ1276_SEQUENCE_OVERFLOW', `sequence ${sequence} does not fit ${length} digits (max ${max}) for this producer, waste code and date`);
  }
  return pad(sequence, length);
}

const pad = (n: number, len: number): string => String(n).padStart(len, '0');
