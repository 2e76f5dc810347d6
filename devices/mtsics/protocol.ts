// MT-SICS (devices.md §4.5): ASCII request/response lines ending CRLF. A reply is
// `<id> <status> [arguments]`, e.g. `S S      12.34 kg`, or one of the bare errors ES/ET/EL.
import { FrameError, type Raw, type StreamDecoder } from '../codec.js';
import { parseDecimal } from '../scale/decimal.js';

/**
 * §4.5 lists S, SI, Z, ZI, @ and I0-I5. T/TI (tare) and SIR (repeat SI) are standard MT-SICS
 * level 0/1 commands the reference does not document; SIR's output is unconfirmed (§10).
 */
export const COMMANDS = ['@', 'S', 'SI', 'SIR', 'Z', 'ZI', 'T', 'TI', 'I0', 'I1', 'I2', 'I3', 'I4', 'I5'] as const;
export type MtSicsCommand = (typeof COMMANDS)[number];

/**
 * Status letters: S stable, D dynamic, A done / last line, B more lines follow, I not executable,
 * '+' overload (for Z: above the zero range), '-' underload, L wrong parameter (standard MT-SICS,
 * not in §4.5).
 */
export type MtSicsStatusCode = 'S' | 'D' | 'A' | 'B' | 'I' | '+' | '-' | 'L';
const STATUS_CODES = new Set<string>(['S', 'D', 'A', 'B', 'I', '+', '-', 'L']);

/** `S S <value> <unit>` (stable) or `S D <value> <unit>` (dynamic, SI only); also `T S …`. */
export interface MtSicsWeight extends Raw {
  kind: 'weight';
  id: string;
  stable: boolean;
  /** Exact as sent: "12.34", "-0.02". */
  weight: string;
  unit: string;
}

/** Any other `<id> <status> [args]` reply: `S I`, `S +`, `S -`, `Z A`, `I4 A "B021002593"`. */
export interface MtSicsStatus extends Raw {
  kind: 'status';
  id: string;
  status: MtSicsStatusCode;
  /** Argument tokens as sent, quotes kept (see `unquote`). */
  args: string[];
}

/** ES syntax error, ET transmission error, EL logical error. */
export interface MtSicsError extends Raw {
  kind: 'error';
  code: 'ES' | 'ET' | 'EL';
}

export type MtSicsReply = MtSicsWeight | MtSicsStatus | MtSicsError;
/** A reply to encode: the decoded shape without its raw bytes. */
export type MtSicsReplyFields =
  | Omit<MtSicsWeight, 'raw'>
  | Omit<MtSicsStatus, 'raw'>
  | Omit<MtSicsError, 'raw'>;

const CRLF = '\r\n';
const ID = /^(?:@|[A-Z][A-Z0-9]*)$/;
const UNIT = /^[^\s"]+$/;
const TOKEN = /(?:[^ "]+|"[^"]*")+/g;
/** An argument that decodes back to itself: a bare word, or a quoted string. */
const ARG = /^(?:[!#-~]+|"[ !#-~]*")$/;
/** Longer lines are cut off as BAD_LENGTH so a device babbling without CRLF cannot grow memory. */
export const MAX_LINE = 512;

const ascii = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const toBytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const bad = (message: string, raw: Uint8Array) => new FrameError('BAD_FRAME', `MT-SICS: ${message}`, new Uint8Array(raw));

export const unquote = (arg: string) => (arg.length >= 2 && arg.startsWith('"') && arg.endsWith('"') ? arg.slice(1, -1) : arg);

export function encodeCommand(command: MtSicsCommand): Uint8Array {
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new FrameError('UNSUPPORTED', `MT-SICS: unknown command ${JSON.stringify(command)}`);
  }
  return toBytes(command + CRLF);
}

/** The command on one host line ("SI\r\n" → "SI"), for simulators answering a host. */
export function decodeCommand(line: Uint8Array): MtSicsCommand {
  const text = lineText(line);
  const found = COMMANDS.find((c) => c === text.trim());
  if (!found) throw new FrameError('UNSUPPORTED', `MT-SICS: unknown command ${JSON.stringify(text)}`, new Uint8Array(line));
  return found;
}

/** The line without its terminator (CRLF, or a bare LF), checked to be printable ASCII. */
function lineText(line: Uint8Array): string {
  let end = line.length;
  if (line[end - 1] === 0x0a) end--;
  if (line[end - 1] === 0x0d) end--;
  const body = line.subarray(0, end);
  if (!body.every((b) => b >= 0x20 && b <= 0x7e)) throw bad('line holds non-printable bytes', line);
  return ascii(body);
}

/** Decodes one reply line, terminator included or not. */
export function decodeReply(line: Uint8Array): MtSicsReply {
  const raw = new Uint8Array(line);
  const text = lineText(line);
  if ((text.match(/"/g)?.length ?? 0) % 2 !== 0) throw bad('unbalanced quotes', line);
  const tokens = text.match(TOKEN) ?? [];
  const [id, status, ...args] = tokens;
  if (id === undefined) throw bad('empty line', line);
  if ((id === 'ES' || id === 'ET' || id === 'EL') && status === undefined) return { kind: 'error', code: id, raw };
  if (!ID.test(id)) throw bad(`reply id ${JSON.stringify(id)}`, line);
  if (status === undefined || !STATUS_CODES.has(status)) {
    throw bad(`reply ${JSON.stringify(text)} lacks a status letter`, line);
  }
  if ((status === 'S' || status === 'D') && args.length === 2 && parseDecimal(args[0]!) && UNIT.test(args[1]!)) {
    return { kind: 'weight', id, stable: status === 'S', weight: args[0]!, unit: args[1]!, raw };
  }
  return { kind: 'status', id, status: status as MtSicsStatusCode, args, raw };
}

/** MT-SICS right-aligns the weight in a 10-character field: `S S      12.34 kg`. */
export function encodeReply(reply: MtSicsReplyFields): Uint8Array {
  let text: string;
  if (reply.kind === 'error') {
    text = reply.code;
  } else if (reply.kind === 'weight') {
    if (!ID.test(reply.id) || !parseDecimal(reply.weight) || !UNIT.test(reply.unit)) {
      throw new FrameError('BAD_FRAME', `MT-SICS: cannot encode weight reply ${JSON.stringify(reply)}`);
    }
    text = `${reply.id} ${reply.stable ? 'S' : 'D'} ${reply.weight.padStart(10)} ${reply.unit}`;
  } else {
    const argsOk = reply.args.every((a) => ARG.test(a));
    if (!ID.test(reply.id) || !STATUS_CODES.has(reply.status) || !argsOk) {
      throw new FrameError('BAD_FRAME', `MT-SICS: cannot encode reply ${JSON.stringify(reply)}`);
    }
    text = [reply.id, reply.status, ...reply.args].join(' ');
  }
  return toBytes(text + CRLF);
}

/**
 * Splits the byte stream into lines on LF (CR before it optional) and decodes each reply. An
 * empty line is reported as JUNK; a line over MAX_LINE bytes as BAD_LENGTH, after which the
 * rest of it is dropped (as JUNK) up to the next LF.
 */
export function createMtSicsDecoder(): StreamDecoder<MtSicsReply> {
  let held = new Uint8Array(0);
  let discarding = false;
  return {
    get pending() {
      return held.length;
    },
    push(chunk: Uint8Array) {
      const data = new Uint8Array(held.length + chunk.length);
      data.set(held);
      data.set(chunk, held.length);
      const out: (MtSicsReply | FrameError)[] = [];
      let pos = 0;
      while (pos < data.length) {
        const lf = data.indexOf(0x0a, pos);
        const end = lf < 0 ? data.length : lf + 1;
        if (discarding) {
          out.push(new FrameError('JUNK', 'MT-SICS: rest of an over-long line', data.slice(pos, end)));
          discarding = lf < 0;
          pos = end;
          continue;
        }
        if (lf < 0) {
          if (data.length - pos > MAX_LINE) {
            out.push(new FrameError('BAD_LENGTH', `MT-SICS: no line end within ${MAX_LINE} bytes`, data.slice(pos)));
            discarding = true;
            pos = data.length;
          }
          break;
        }
        const line = data.subarray(pos, end);
        pos = end;
        if (line.length === 1 || (line.length === 2 && line[0] === 0x0d)) {
          out.push(new FrameError('JUNK', 'MT-SICS: empty line', new Uint8Array(line)));
          continue;
        }
        try {
          out.push(decodeReply(line));
        } catch (e) {
          out.push(e instanceof FrameError ? e : bad(String(e), line));
        }
      }
      held = data.slice(pos);
      return out;
    },
  };
}
