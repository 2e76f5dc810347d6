// Every index and every pair of sizes up to 130: proofs verify, and each tampering is refused.
import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, leafHash, MemoryTree, utf8, verifyConsistency, verifyInclusion } from '../../ledger/index.js';
import type { Bytes } from '../../ledger/index.js';

const MAX = 130;
const leaves = Array.from({ length: MAX }, (_, i) => leafHash(utf8(`entry ${i}`)));
const tree = new MemoryTree(leaves);
const roots: Bytes[] = [new MemoryTree().root()];
{
  const t = new MemoryTree();
  for (const l of leaves) {
    t.append(l);
    roots.push(t.root());
  }
}

function flipBit(path: Bytes[], which: number): Bytes[] {
  return path.map((h, i) => (i === which ? h.map((x, j) => (j === 0 ? x ^ 1 : x)) : h));
}

describe('exhaustive proofs up to 130 leaves', () => {
  it('inclusion: every index of every size', async () => {
    let checks = 0;
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        const path = await inclusionProof(m, n, tree);
        expect(verifyInclusion(m, n, leaves[m], path, roots[n]).ok).toBe(true);
        if (n > 1) {
          expect(verifyInclusion((m + 1) % n, n, leaves[m], path, roots[n]).ok).toBe(false);
          expect(verifyInclusion(m, n, leaves[m], flipBit(path, m % path.length), roots[n]).ok).toBe(false);
          expect(verifyInclusion(m, n, leaves[m], path.slice(1), roots[n]).ok).toBe(false);
          expect(verifyInclusion(m, n, leaves[m], [...path, path[0]], roots[n]).ok).toBe(false);
        }
        // A size alone is not bound by the path (a left leaf of 3 and of 4 hashes alike), which
        // is why sizes and roots come only from a verified checkpoint; a wrong root must fail.
        if (n < MAX) expect(verifyInclusion(m, n, leaves[m], path, roots[n + 1]).ok).toBe(false);
        checks++;
      }
    }
    expect(checks).toBe((MAX * (MAX + 1)) / 2);
  });

  it('consistency: every pair of sizes', async () => {
    let checks = 0;
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m <= n; m++) {
        const path = await consistencyProof(m, n, tree);
        expect(verifyConsistency(m, n, roots[m], roots[n], path).ok).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, roots[m], roots[n], flipBit(path, n % path.length)).ok).toBe(false);
          expect(verifyConsistency(m, n, roots[m], flipBit([roots[n]], 0)[0], path).ok).toBe(false);
          expect(verifyConsistency(m, n, roots[m - 1], roots[n], path).ok).toBe(false);
          expect(verifyConsistency(m, n, roots[m], roots[n], path.slice(0, -1)).ok).toBe(false);
        }
        checks++;
      }
    }
    expect(checks).toBe(((MAX + 1) * (MAX + 2)) / 2 - 1);
  });

  it('refuses trivial-case abuse and oversized input', () => {
    expect(verifyConsistency(0, 5, roots[0], roots[5], [roots[1]])).toMatchObject({ code: 'PATH_NOT_EMPTY' });
    expect(verifyConsistency(5, 5, roots[5], roots[4], [])).toMatchObject({ code: 'ROOT_MISMATCH' });
    expect(verifyConsistency(6, 5, roots[5], roots[5], [])).toMatchObject({ code: 'SIZE_ORDER' });
    expect(verifyConsistency(3, 5, roots[3], roots[5], [])).toMatchObject({ code: 'PATH_EMPTY' });
    expect(verifyInclusion(0, 2, leaves[0], Array(65).fill(leaves[1]), roots[2])).toMatchObject({ code: 'PATH_TOO_LONG' });
    expect(verifyInclusion(0, 2, leaves[0], [new Uint8Array(31)], roots[2])).toMatchObject({ code: 'BAD_HASH_LENGTH' });
    expect(verifyInclusion(2, 2, leaves[0], [leaves[1]], roots[2])).toMatchObject({ code: 'INDEX_OUT_OF_RANGE' });
  });
});
