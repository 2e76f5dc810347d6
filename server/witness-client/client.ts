// One add-checkpoint round trip (C2SP tlog-witness), its answer classified: cosignature lines
// verified against the witness's key, the witness's size on a stale `old`, or an error.
import { NoteError, parseCheckpointText, parseNote } from '../../ledger/index.js';
import { CosignatureError, encodeCosignatureLine, openCosignatures, type CosignerVerifier } from '../../ledger/cosignature.js';
import {
  appendSignatureLines, encodeAddCheckpoint, parseSignatureLines, parseTreeSize, WitnessProtocolError, type AddCheckpointRequest,
} from '../../ledger/witness-protocol.js';
import { WitnessConflictError, WitnessRefusedError, WitnessUnavailableError } from './errors.js';

export interface WitnessPeer {
  /** Submission prefix; the request goes to `${url}/add-checkpoint`. */
  url: string;
  key: CosignerVerifier;
}

export interface ReceivedCosignature {
  witness: string;
  keyIdHex: string;
  timestamp: number;
  line: string;
}

export type AddCheckpointResult = { kind: 'cosigned'; cosignature: ReceivedCosignature } | { kind: 'stale-old'; witnessSize: number };

export interface ClientOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export async function addCheckpoint(peer: WitnessPeer, req: AddCheckpointRequest, opts: ClientOptions = {}): Promise<AddCheckpointResult> {
  const size = parseCheckpointText(parseNote(req.checkpoint).text).size;
  const doFetch = opts.fetch ?? fetch;
  let status: number;
  let body: string;
  let contentType: string;
  try {
    const res = await doFetch(`${peer.url}/add-checkpoint`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: encodeAddCheckpoint(req),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    status = res.status;
    contentType = res.headers.get('content-type') ?? '';
    body = await res.text();
  } catch (e) {
    throw new WitnessUnavailableError(peer.url, `no answer: ${(e as Error).message}`);
  }
  const said = body.trim().slice(0, 200);
  switch (status) {
    case 200:
      return { kind: 'cosigned', cosignature: verifyAnswer(peer, req.checkpoint, body) };
    case 409: {
      let witnessSize: number;
      try {
        witnessSize = parseTreeSize(body);
      } catch {
        throw new WitnessUnavailableError(peer.url, `409 without a tree size (${contentType})`, 409);
      }
      if (witnessSize !== req.oldSize) return { kind: 'stale-old', witnessSize };
      if (req.oldSize === size) {
        throw new WitnessConflictError(peer.url, 'same-size-other-root', req.checkpoint, size, witnessSize,
          `witness ${peer.key.name} holds another checkpoint of size ${size}: a split view`, 409);
      }
      throw new WitnessRefusedError(peer.url, `409 naming the size that was sent (${witnessSize})`, 409);
    }
    case 422:
      throw new WitnessConflictError(peer.url, 'inconsistent', req.checkpoint, size, req.oldSize,
        `witness ${peer.key.name} refused the consistency proof from size ${req.oldSize} to ${size}: its view and the log's differ (${said})`, 422);
    case 400:
    case 403:
    case 404:
      throw new WitnessRefusedError(peer.url, `witness ${peer.key.name} refused with ${status}: ${said}`, status);
    default:
      throw new WitnessUnavailableError(peer.url, `witness ${peer.key.name} answered ${status}: ${said}`, status);
  }
}

/** The response's lines by the configured witness key, verified over the checkpoint; others are ignored. */
function verifyAnswer(peer: WitnessPeer, checkpoint: string, body: string): ReceivedCosignature {
  let found;
  try {
    found = openCosignatures(appendSignatureLines(checkpoint, parseSignatureLines(body)), [peer.key]).cosignatures;
  } catch (e) {
    if (e instanceof CosignatureError || e instanceof WitnessProtocolError || e instanceof NoteError) {
      throw new WitnessRefusedError(peer.url, `bad cosignature from ${peer.key.name}: ${e.message}`, 200);
    }
    throw e;
  }
  const c = found[0];
  if (!c) throw new WitnessRefusedError(peer.url, `no cosignature by the configured key ${peer.key.name} in the answer`, 200);
  return { witness: c.name, keyIdHex: hex(c.keyId), timestamp: c.timestamp, line: encodeCosignatureLine(c) };
}
