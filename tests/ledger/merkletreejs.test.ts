// Cross-check against merkletreejs in its RFC 6962 configuration (a test oracle only).
import { createHash } from 'node:crypto';
import { MerkleTree } from 'merkletreejs';
import { describe, expect, it } from 'vitest';
import { inclusionProof, leafHash, MemoryTree, toHex, utf8 } from '../../ledger/index.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const rfc6962 = (leaves: Buffer[]) =>
  new MerkleTree(leaves, sha256, { concatenator: (b: Buffer[]) => Buffer.concat([Buffer.from([1]), ...b]) });

describe('merkletreejs oracle', () => {
  it('agrees on roots and inclusion paths for sizes 1..130', async () => {
    const leaves = Array.from({ length: 130 }, (_, i) => Buffer.from(leafHash(utf8(`leaf-${i}`))));
    const ours = new MemoryTree();
    for (let n = 1; n <= leaves.length; n++) {
      ours.append(leaves[n - 1]);
      const theirs = rfc6962(leaves.slice(0, n));
      expect(toHex(ours.root())).toBe(theirs.getRoot().toString('hex'));
      for (const m of [0, Math.floor(n / 2), n - 1]) {
        const path = (await inclusionProof(m, n, ours)).map(toHex);
        expect(path).toEqual(theirs.getProof(leaves[m], m).map((p) => p.data.toString('hex')));
      }
    }
  });
});
