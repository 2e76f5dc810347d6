// RFC 9162 §2.1.3.1 PATH and §2.1.4.1 PROOF. The recursions are first turned into the list of
// subtree ranges they hash, so a store can fetch every node a proof needs in one round trip.
import type { Bytes } from './bytes.js';
import { hashRanges, largestPowerOfTwoBelow, type LeafRange, type NodeSource } from './tree.js';

/** Ranges whose hashes form PATH(m, D[lo:hi]), leaf sibling first. */
export function inclusionRanges(m: number, size: number): LeafRange[] {
  if (!(m >= 0 && m < size)) throw new RangeError(`index ${m} is not in a tree of size ${size}`);
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m - lo < k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
    }
  }
  return out.reverse();
}

/** Ranges whose hashes form PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (!(m >= 0 && m <= n)) throw new RangeError(`size ${m} is not within ${n}`);
  if (m === 0 || m === n) return [];
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = n;
  let complete = true; // the "b" flag of SUBPROOF
  while (m !== hi) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m - lo <= k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
      complete = false;
    }
  }
  if (!complete) out.push([lo, hi]);
  return out.reverse();
}

export async function inclusionProof(index: number, size: number, source: NodeSource): Promise<Bytes[]> {
  return hashRanges(inclusionRanges(index, size), source);
}

export async function consistencyProof(from: number, to: number, source: NodeSource): Promise<Bytes[]> {
  return hashRanges(consistencyRanges(from, to), source);
}
