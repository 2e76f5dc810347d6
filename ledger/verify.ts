// RFC 9162 §2.1.3.2 and §2.1.4.2 verifiers, step for step. Every function returns a result
// with one code from a closed list instead of throwing, so callers can report each break.
import { equalBytes, type Bytes } from './bytes.js';
import { HASH_SIZE, nodeHash } from './hash.js';

export type ProofErrorCode =
  | 'INDEX_OUT_OF_RANGE'
  | 'SIZE_ORDER'
  | 'PATH_TOO_LONG'
  | 'BAD_HASH_LENGTH'
  | 'PATH_NOT_EMPTY'
  | 'PATH_EMPTY'
  | 'PATH_WRONG_LENGTH'
  | 'ROOT_MISMATCH'
  | 'OLD_ROOT_MISMATCH';

export type Verdict = { ok: true } | { ok: false; code: ProofErrorCode; detail: string };

const OK: Verdict = { ok: true };
const fail = (code: ProofErrorCode, detail: string): Verdict => ({ ok: false, code, detail });

/** Longer paths cannot occur below 2^64 leaves; refusing them bounds the work. */
export const MAX_PATH = 64;

const isOdd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

function checkHashes(path: readonly Bytes[], ...more: Bytes[]): Verdict {
  if (path.length > MAX_PATH) return fail('PATH_TOO_LONG', `${path.length} > ${MAX_PATH} hashes`);
  for (const h of [...path, ...more]) {
    if (h.length !== HASH_SIZE) return fail('BAD_HASH_LENGTH', `a hash of ${h.length} bytes`);
  }
  return OK;
}

export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Bytes,
  path: readonly Bytes[],
  rootHash: Bytes,
): Verdict {
  const shape = checkHashes(path, leafHash, rootHash);
  if (!shape.ok) return shape;
  // 1.
  if (!(leafIndex >= 0 && leafIndex < treeSize)) {
    return fail('INDEX_OUT_OF_RANGE', `index ${leafIndex} is not below size ${treeSize}`);
  }
  // 2.–3.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  // 4.
  for (const p of path) {
    if (sn === 0) return fail('PATH_WRONG_LENGTH', 'path longer than the tree is deep');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!isOdd(fn) && fn !== 0);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  if (sn !== 0) return fail('PATH_WRONG_LENGTH', 'path shorter than the tree is deep');
  if (!equalBytes(r, rootHash)) return fail('ROOT_MISMATCH', 'computed root differs from the expected root');
  return OK;
}

export function verifyConsistency(
  first: number,
  second: number,
  firstHash: Bytes,
  secondHash: Bytes,
  path: readonly Bytes[],
): Verdict {
  const shape = checkHashes(path, firstHash, secondHash);
  if (!shape.ok) return shape;
  if (!(first >= 0 && first <= second)) return fail('SIZE_ORDER', `size ${first} is not within ${second}`);
  // Trivial cases the RFC algorithm presumes away (0 < first < second).
  if (first === second || first === 0) {
    if (path.length !== 0) return fail('PATH_NOT_EMPTY', `a proof from ${first} to ${second} must be empty`);
    if (first === second && !equalBytes(firstHash, secondHash)) {
      return fail('ROOT_MISMATCH', 'equal sizes with different roots');
    }
    return OK;
  }
  // 1.
  if (path.length === 0) return fail('PATH_EMPTY', 'empty consistency proof');
  // 2.
  const proof = isPowerOfTwo(first) ? [firstHash, ...path] : path;
  // 3.–4.
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr = proof[0];
  let sr = proof[0];
  // 6.
  for (const c of proof.slice(1)) {
    if (sn === 0) return fail('PATH_WRONG_LENGTH', 'path longer than the trees are deep');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!isOdd(fn) && fn !== 0);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  if (sn !== 0) return fail('PATH_WRONG_LENGTH', 'path shorter than the trees are deep');
  if (!equalBytes(fr, firstHash)) return fail('OLD_ROOT_MISMATCH', 'proof does not lead to the old root');
  if (!equalBytes(sr, secondHash)) return fail('ROOT_MISMATCH', 'proof does not lead to the new root');
  return OK;
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}
