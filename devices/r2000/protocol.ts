// R2000 "UHF RFID Reader Serial Interface Protocol" (0xA0 frames), devices.md §1.1: a pure codec
// for the cheap fixed and desktop readers built on Impinj R2000 modules. The same bytes travel
// over RS-232/RS-485 and TCP, so one stream decoder serves both transports.
//
// Framing: find 0xA0, read Len (Address … Check), wait for Len + 2 bytes, check the sum.
// On a bad length or checksum, skip the head byte and search for the next 0xA0 (§1.1, §7.1:
// "validate the checksum after framing and resync on failure"). Every byte pushed comes back
// exactly once: in a frame's raw bytes, in a FrameError's bytes, or still pending.
import { BufferedDecoder, FrameError, hex } from '../codec.js';
import { HEAD, checksum } from './commands.js';
import { decodeCommand, decodeResponse, type R2000Command, type R2000Frame } from './responses.js';

export * from './commands.js';
export * from './responses.js';
export { STATUS_ANSWER, SUCCESS, statusMeaning } from './status.js';

/** Len counts Address, Cmd and Check at least. */
const MIN_LEN = 3;

const empty = new Uint8Array(0);

class A0Decoder<F> extends BufferedDecoder<F> {
  constructor(private readonly decode: (frame: Uint8Array) => F | FrameError) {
    super();
  }

  /**
   * On a flush (`final`, the link gone quiet): a frame still pending will
   * not complete, so report it and decode whatever follows its head. Leaves nothing pending.
   */
  protected drain(final: boolean): (F | FrameError)[] {
    const b = this.buf;
    const out: (F | FrameError)[] = [];
    let i = 0;
    // Skip from i up to the next 0xA0 after it (or the end), reporting the stretch as one error.
    const skip = (code: 'JUNK' | 'BAD_LENGTH' | 'BAD_CHECKSUM', why: string) => {
      let j = b.indexOf(HEAD, i + 1);
      if (j < 0) j = b.length;
      out.push(new FrameError(code, why, b.slice(i, j)));
      i = j;
    };
    while (i < b.length) {
      if (b[i] !== HEAD) {
        const j = b.indexOf(HEAD, i);
        const end = j < 0 ? b.length : j;
        out.push(new FrameError('JUNK', `${end - i} byte(s) outside any R2000 frame`, b.slice(i, end)));
        i = end;
        continue;
      }
      if (i + 1 >= b.length) {
        if (!final) break;
        skip('BAD_LENGTH', 'R2000 frame cut short after its head byte');
        continue;
      }
      const len = b[i + 1]!;
      if (len < MIN_LEN) {
        skip('BAD_LENGTH', `R2000 Len 0x${len.toString(16).padStart(2, '0')} is below the minimum ${MIN_LEN}`);
        continue;
      }
      const total = len + 2;
      if (i + total > b.length) {
        if (!final) break;
        skip('BAD_LENGTH', `R2000 frame of Len 0x${len.toString(16).padStart(2, '0')} cut short: ${b.length - i} of ${total} bytes came`);
        continue;
      }
      const expected = checksum(b.subarray(i, i + total - 1));
      if (expected !== b[i + total - 1]) {
        const got = b[i + total - 1]!;
        skip('BAD_CHECKSUM', `R2000 checksum 0x${hex(Uint8Array.of(got))} should be 0x${hex(Uint8Array.of(expected))} for Len 0x${len.toString(16).padStart(2, '0')}`);
        continue;
      }
      out.push(this.decode(b.slice(i, i + total)));
      i += total;
    }
    this.buf = i === b.length ? empty : b.slice(i);
    return out;
  }
}

/** Reader → host: tags, round ends, acks, errors and other answers. */
export class R2000Decoder extends A0Decoder<R2000Frame> {
  constructor() {
    super(decodeResponse);
  }
}

/** Host → reader: commands, for a simulated reader (devices.md §7.4) or a wire log. */
export class R2000CommandDecoder extends A0Decoder<R2000Command> {
  constructor() {
    super(decodeCommand);
  }
}

/** Decodes exactly one whole reader → host frame, e.g. a golden sample. */
export function decodeR2000Frame(bytes: Uint8Array): R2000Frame | FrameError {
  const d = new R2000Decoder();
  const out = [...d.push(bytes), ...d.flush()];
  if (out.length === 1) return out[0]!;
  return out.find((f) => f instanceof FrameError) ?? new FrameError('BAD_FRAME', `expected one R2000 frame, got ${out.length}`, bytes.slice());
}
