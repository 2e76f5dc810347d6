// What can go wrong when the log asks a witness to cosign. A conflict is the one that matters
// beyond operations: the witness holds a view of this log that the log's own history does not
// extend — a split view, a rollback, or a rewritten history.

export class WitnessError extends Error {
  constructor(
    /** The witness's submission prefix. */
    readonly witness: string,
    message: string,
    /** The HTTP status, when the witness answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WitnessError';
  }
}

/** No usable answer: network error, timeout, 5xx, an answer that is not the protocol. Retried with backoff. */
export class WitnessUnavailableError extends WitnessError {
  constructor(witness: string, message: string, status?: number) {
    super(witness, message, status);
    this.name = 'WitnessUnavailableError';
  }
}

/** The witness refused the request itself (400 malformed, 403 log key not trusted, 404 unknown origin, or bad cosignatures back). */
export class WitnessRefusedError extends WitnessError {
  constructor(witness: string, message: string, status?: number) {
    super(witness, message, status);
    this.name = 'WitnessRefusedError';
  }
}

export type WitnessConflictKind =
  /** 409 at equal sizes: the witness cosigned a checkpoint of this size with another root. */
  | 'same-size-other-root'
  /** 422: the log's own consistency proof from the witness's size does not lead to the witness's root. */
  | 'inconsistent'
  /** 409 with a size larger than the log's: the witness saw more of this log than the log now has. */
  | 'witness-ahead';

/**
 * The witness refused because its view of the log conflicts with the log's: evidence of a split
 * view (or of a log rolled back or rewritten), never a transient failure.
 */
export class WitnessConflictError extends WitnessError {
  constructor(
    witness: string,
    readonly kind: WitnessConflictKind,
    /** The checkpoint note the log submitted. */
    readonly checkpoint: string,
    /** The log's tree size submitted, and the witness's size where it said one. */
    readonly size: number,
    readonly witnessSize: number | undefined,
    message: string,
    status?: number,
  ) {
    super(witness, message, status);
    this.name = 'WitnessConflictError';
  }
}
