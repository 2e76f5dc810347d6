// Chafon / UHFReader18 / CF-RU5102-style readers (devices.md §1.3): a pure codec for the CRC-16
// framed protocol. There is no start byte (§1.3, §7.1 "frame by Len, validate the CRC"), so any
// byte may begin a frame: read it as Len, wait for Len + 1 bytes, check the CRC; on failure skip
// that one byte and try the next. Consecutive skipped bytes come back as one FrameError, coded
// by why the stretch's first byte failed. Every byte pushed comes back exactly once: in a frame's
// raw bytes, in a FrameError's bytes, or still pending.
import { BufferedDecoder, FrameError } from '../codec.js';
import { crc16, decodeCommand, decodeResponse, type ChafonCommand, type ChafonFrame, type InventoryLayout } from './frames.js';

export * from './frames.js';

const empty = new Uint8Array(0);
const h2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

class LenCrcDecoder<F> extends BufferedDecoder<F> {
  constructor(
    /** Smallest Len a frame of this direction can have. */
    private readonly minLen: number,
    private readonly decode: (frame: Uint8Array) => F | FrameError,
  ) {
    super();
  }

  /**
   * On a flush (`final`, the link gone quiet): without a start byte, a junk
   * byte read as a large Len holds back the frames after it until Len + 1 bytes have come; this
   * gives up on every incomplete candidate and decodes what follows. Leaves nothing pending.
   */
  protected drain(final: boolean): (F | FrameError)[] {
    const b = this.buf;
    const out: (F | FrameError)[] = [];
    let i = 0;
    let skipFrom = -1;
    let skipCode: 'JUNK' | 'BAD_LENGTH' | 'BAD_CHECKSUM' = 'JUNK';
    let skipWhy = '';
    const skipOne = (code: typeof skipCode, why: () => string) => {
      if (skipFrom < 0) [skipFrom, skipCode, skipWhy] = [i, code, why()];
      i += 1;
    };
    const endSkip = () => {
      if (skipFrom < 0) return;
      const n = i - skipFrom;
      out.push(new FrameError(skipCode, n > 1 ? `${skipWhy} (${n} bytes skipped)` : skipWhy, b.slice(skipFrom, i)));
      skipFrom = -1;
    };
    while (i < b.length) {
      const len = b[i]!;
      if (len < this.minLen) {
        skipOne('JUNK', () => `byte 0x${h2(len)} cannot be a Chafon Len (at least ${this.minLen})`);
        continue;
      }
      const total = len + 1;
      if (i + total > b.length) {
        if (!final) break;
        skipOne('BAD_LENGTH', () => `Chafon frame of Len 0x${h2(len)} cut short: ${b.length - i} of ${total} bytes came`);
        continue;
      }
      const expected = crc16(b.subarray(i, i + total - 2));
      const got = b[i + total - 2]! | (b[i + total - 1]! << 8);
      if (expected !== got) {
        skipOne('BAD_CHECKSUM', () => `Chafon CRC 0x${got.toString(16).toUpperCase().padStart(4, '0')} should be 0x${expected.toString(16).toUpperCase().padStart(4, '0')} for Len 0x${h2(len)}`);
        continue;
      }
      endSkip();
      out.push(this.decode(b.slice(i, i + total)));
      i += total;
    }
    endSkip();
    this.buf = i === b.length ? empty : b.slice(i);
    return out;
  }
}

export interface ChafonDecoderOptions {
  /** Inventory answer layout of the reader's generation (§1.3); 'uhfreader18' unless told. */
  layout?: InventoryLayout;
}

/** Reader → host: `Len Adr reCmd Status Data[] CRC`, so Len ≥ 5. */
export class ChafonDecoder extends LenCrcDecoder<ChafonFrame> {
  constructor({ layout = 'uhfreader18' }: ChafonDecoderOptions = {}) {
    super(5, (frame) => decodeResponse(frame, layout));
  }
}

/** Host → reader: `Len Adr Cmd Data[] CRC`, so Len ≥ 4; for a simulated reader or a wire log. */
export class ChafonCommandDecoder extends LenCrcDecoder<ChafonCommand> {
  constructor() {
    super(4, decodeCommand);
  }
}
