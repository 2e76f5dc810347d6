// What every device codec in devices/<family>/protocol.ts offers. Codecs are pure: bytes in,
// typed frames out, no I/O, no clock. A stream decoder takes chunks as they come off a serial
// port or a socket (a frame may be split across chunks, two frames may share one, junk may lead),
// and answers the frames completed so far plus a FrameError for each stretch it had to skip, so
// that one bad frame never stops the stream. No input makes a codec throw anything but FrameError.

export type FrameErrorCode =
  | 'BAD_CHECKSUM' // the frame's check bytes do not match
  | 'BAD_LENGTH' // a length field that cannot be right
  | 'BAD_FRAME' // a frame that parses but breaks the protocol's rules
  | 'JUNK' // bytes skipped while looking for the next frame
  | 'UNSUPPORTED'; // a well-formed frame of a kind this codec does not read

export class FrameError extends Error {
  constructor(
    readonly code: FrameErrorCode,
    message: string,
    /** The bytes skipped or refused (a copy), for the raw-frame log. */
    readonly bytes: Uint8Array = new Uint8Array(0),
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

export interface StreamDecoder<F> {
  /** Feed the next chunk; get every frame it completes, and an error for each stretch skipped. */
  push(chunk: Uint8Array): (F | FrameError)[];
  /** Bytes held waiting for the rest of a frame. */
  readonly pending: number;
}

/** Every decoded frame keeps its exact bytes: a weighing's raw frames are hashed into its entry. */
export interface Raw {
  raw: Uint8Array;
}

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

/**
 * The byte buffering a framed decoder needs: `push` checks and appends, `drain` (the protocol's
 * own) takes what frames it can and leaves the rest in `buf`; `flush` asks it to give up on an
 * incomplete frame once the link has gone quiet.
 */
export abstract class BufferedDecoder<F> implements StreamDecoder<F> {
  protected buf: Uint8Array = new Uint8Array(0);

  get pending(): number {
    return this.buf.length;
  }

  push(chunk: Uint8Array): (F | FrameError)[] {
    if (!(chunk instanceof Uint8Array)) return [new FrameError('BAD_FRAME', `push() takes bytes, got ${typeof chunk}`)];
    if (chunk.length === 0) return [];
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
    return this.drain(false);
  }

  /** The link went quiet (the caller's timer; codecs keep no clock): see each protocol's drain. */
  flush(): (F | FrameError)[] {
    return this.drain(true);
  }

  protected abstract drain(final: boolean): (F | FrameError)[];
}
