// C2SP tlog-checkpoint: the signed note body "<origin>\n<size>\n<base64 root>\n".
import { fromBase64, toBase64, type Bytes } from './bytes.js';
import { HASH_SIZE } from './hash.js';
import { NoteError, openNote, signNote, type NoteSigner, type NoteVerifier } from './note.js';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Bytes;
}

export function checkpointText({ origin, size, root }: Checkpoint): string {
  return `${origin}\n${size}\n${toBase64(root)}\n`;
}

export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): string {
  return signNote(checkpointText(checkpoint), signer);
}

/** Parse the body of a checkpoint note; extension lines after the root are allowed and ignored. */
export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') {
    throw new NoteError('NOTE_MALFORMED', 'a checkpoint has origin, size and root lines');
  }
  const [origin, sizeText, rootText] = lines;
  if (origin === '') throw new NoteError('NOTE_MALFORMED', 'empty origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteError('NOTE_MALFORMED', `bad tree size ${JSON.stringify(sizeText)}`);
  }
  let root: Bytes;
  try {
    root = fromBase64(rootText);
  } catch {
    throw new NoteError('NOTE_MALFORMED', 'root is not base64');
  }
  if (root.length !== HASH_SIZE) throw new NoteError('NOTE_MALFORMED', 'root is not 32 bytes');
  return { origin, size: Number(sizeText), root };
}

/**
 * Verify a checkpoint note with the log's key and return its contents. The origin must be the
 * expected one: a valid signature over another log's tree proves nothing about this one.
 */
export function openCheckpoint(note: string, log: NoteVerifier, origin = log.name): Checkpoint {
  const { text } = openNote(note, [log]);
  const checkpoint = parseCheckpointText(text);
  if (checkpoint.origin !== origin) {
    throw new NoteError('NOTE_MALFORMED', `checkpoint origin ${checkpoint.origin} is not ${origin}`);
  }
  return checkpoint;
}
