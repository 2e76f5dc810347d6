// C2SP tlog-witness: the add-checkpoint request body, the 409 size body, the cosignature
// response, and the witness's checks in the order and with the statuses the spec gives.
import { equalBytes, fromBase64, toBase64, type Bytes } from './bytes.js';
import { parseCheckpointText, type Checkpoint } from './checkpoint.js';
import { HASH_SIZE } from './hash.js';
import { NoteError, openNote, parseNote, type NoteVerifier } from './note.js';
import { verifyConsistency } from './verify.js';

/** "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = 63;
/** Content type of the 409 body: the witness's latest size, in decimal, and a newline. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

export class WitnessProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WitnessProtocolError';
  }
}

export interface AddCheckpointRequest {
  /** The size of the latest checkpoint the witness cosigned for this log (0 if none). */
  oldSize: number;
  /** RFC 6962 consistency proof from oldSize to the checkpoint's size. */
  proof: Bytes[];
  /** The signed checkpoint note. */
  checkpoint: string;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function decimal(text: string, what: string): number {
  if (!DECIMAL.test(text) || !Number.isSafeInteger(Number(text))) throw new WitnessProtocolError(`bad ${what} ${JSON.stringify(text)}`);
  return Number(text);
}

/** `old <size>\n`, one base64 hash per line, an empty line, then the checkpoint note. */
export function encodeAddCheckpoint({ oldSize, proof, checkpoint }: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw new WitnessProtocolError(`bad old size ${oldSize}`);
  if (proof.length > MAX_PROOF_LINES) throw new WitnessProtocolError(`${proof.length} proof lines; at most ${MAX_PROOF_LINES}`);
  return `old ${oldSize}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${checkpoint}`;
}

export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const split = body.indexOf('\n\n');
  if (split < 0) throw new WitnessProtocolError('no empty line between the proof and the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, split).split('\n');
  const m = /^old (\S+)$/.exec(oldLine);
  if (!m) throw new WitnessProtocolError('the first line must be "old <size>"');
  const oldSize = decimal(m[1], 'old size');
  if (proofLines.length > MAX_PROOF_LINES) throw new WitnessProtocolError(`${proofLines.length} proof lines; at most ${MAX_PROOF_LINES}`);
  const proof = proofLines.map((line) => {
    let h: Bytes;
    try {
      h = fromBase64(line);
    } catch {
      throw new WitnessProtocolError(`proof line ${JSON.stringify(line)} is not base64`);
    }
    if (h.length !== HASH_SIZE) throw new WitnessProtocolError(`a proof hash of ${h.length} bytes`);
    return h;
  });
  return { oldSize, proof, checkpoint: body.slice(split + 2) };
}

export const encodeTreeSize = (size: number): string => `${size}\n`;

export function parseTreeSize(body: string): number {
  if (!body.endsWith('\n')) throw new WitnessProtocolError('a tree size body ends in a newline');
  return decimal(body.slice(0, -1), 'tree size');
}

/** A 200 answer: one or more note signature lines, each "— <name> <base64>\n". */
export function parseSignatureLines(body: string): string[] {
  if (body === '' || !body.endsWith('\n')) throw new WitnessProtocolError('expected signature lines ending in a newline');
  const lines = body.slice(0, -1).split('\n');
  for (const line of lines) {
    if (!/^\u2014 [^\s+]+ [A-Za-z0-9+/]+={0,2}$/u.test(line)) throw new WitnessProtocolError(`not a signature line: ${JSON.stringify(line.slice(0, 80))}`);
  }
  return lines.map((l) => `${l}\n`);
}

/** A note with more signature lines after its own (each line ends in a newline). */
export const appendSignatureLines = (note: string, lines: readonly string[]): string => note + lines.join('');

/** What the witness answers, before it cosigns: 200 means "persist this, then cosign it". */
export type AddCheckpointDecision =
  | { status: 200; origin: string; checkpoint: Checkpoint; note: string; text: string }
  | { status: 409; origin: string; size: number; detail: string; evidence?: string }
  | { status: 400 | 403 | 404 | 422; detail: string; origin?: string; evidence?: string };

export interface WitnessView {
  /** The log keys the witness trusts for an origin; undefined for an unknown origin. */
  logKeys(origin: string): readonly NoteVerifier[] | undefined;
  /** The latest checkpoint the witness cosigned for an origin, if any. */
  latest(origin: string): Checkpoint | undefined;
}

/** The origin line of a request body, for routing and locking before the full check. */
export function requestOrigin(body: string): string | undefined {
  try {
    return parseCheckpointText(parseNote(parseAddCheckpoint(body).checkpoint).text).origin;
  } catch {
    return undefined;
  }
}

/**
 * The tlog-witness checks, in the spec's order: a malformed body is 400; an unknown origin 404;
 * no valid signature by a trusted log key 403; old > size 400; old ≠ the size the witness holds
 * 409 (with that size); equal sizes with different roots 409; a proof that does not verify 422.
 * A signed request refused for its contents carries `evidence` (the body) for the operator.
 */
export function decideAddCheckpoint(body: string, view: WitnessView): AddCheckpointDecision {
  let req: AddCheckpointRequest;
  let text: string;
  let checkpoint: Checkpoint;
  try {
    req = parseAddCheckpoint(body);
    text = parseNote(req.checkpoint).text;
    checkpoint = parseCheckpointText(text);
  } catch (e) {
    return { status: 400, detail: (e as Error).message };
  }
  const { origin } = checkpoint;
  const keys = view.logKeys(origin);
  if (!keys || keys.length === 0) return { status: 404, origin, detail: `unknown log ${JSON.stringify(origin)}` };
  try {
    openNote(req.checkpoint, keys);
  } catch (e) {
    return { status: 403, origin, detail: e instanceof NoteError ? e.message : 'the log signature does not verify' };
  }
  if (req.oldSize > checkpoint.size) return { status: 400, origin, detail: `old size ${req.oldSize} is larger than the checkpoint size ${checkpoint.size}` };
  const latest = view.latest(origin);
  const held = latest?.size ?? 0;
  if (req.oldSize !== held) return { status: 409, origin, size: held, detail: `the latest cosigned size is ${held}, not ${req.oldSize}` };
  if (latest && latest.size === checkpoint.size && !equalBytes(latest.root, checkpoint.root)) {
    return { status: 409, origin, size: held, detail: `a checkpoint of size ${held} with another root was cosigned before`, evidence: body };
  }
  if (req.oldSize === 0 && req.proof.length > 0) return { status: 422, origin, detail: 'the proof from size 0 must be empty', evidence: body };
  if (latest && req.oldSize > 0) {
    const v = verifyConsistency(latest.size, checkpoint.size, latest.root, checkpoint.root, req.proof);
    if (!v.ok) return { status: 422, origin, detail: `consistency proof from ${latest.size}: ${v.code}`, evidence: body };
  }
  return { status: 200, origin, checkpoint, note: req.checkpoint, text };
}
