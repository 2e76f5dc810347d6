// The CT test vectors and the RFC 9162 worked example (reference/ledger.md §1.7).
import { describe, expect, it } from 'vitest';
import {
  consistencyProof, EMPTY_ROOT, fromHex, inclusionProof, leafHash, MemoryTree, nodeHash, toHex,
  verifyConsistency, verifyInclusion,
} from '../../ledger/index.js';

const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('CT vectors', () => {
  it('empty tree hash', () => expect(toHex(EMPTY_ROOT)).toBe(CT_ROOTS[0]));
  it.each(CT_ROOTS.map((r, n) => [n, r] as const))('root of the first %i leaves', (n, root) => {
    const tree = new MemoryTree(CT_LEAVES.slice(0, n).map((h) => leafHash(fromHex(h))));
    expect(toHex(tree.root())).toBe(root);
  });
});

describe('RFC 9162 worked example (7 leaves)', () => {
  const d = Array.from({ length: 7 }, (_, i) => new TextEncoder().encode(`d${i}`));
  const [a, b, c, dd, e, f, j] = d.map(leafHash);
  const g = nodeHash(a, b);
  const h = nodeHash(c, dd);
  const i = nodeHash(e, f);
  const k = nodeHash(g, h);
  const l = nodeHash(i, j);
  const tree = new MemoryTree([a, b, c, dd, e, f, j]);
  const hex = (xs: Uint8Array[]) => xs.map(toHex);

  it('has root node(k, l)', () => expect(toHex(tree.root())).toBe(toHex(nodeHash(k, l))));
  it.each([
    [0, [b, h, l]],
    [3, [c, g, l]],
    [4, [f, j, k]],
    [6, [i, k]],
  ] as const)('inclusion proof of d%i', async (m, expected) => {
    expect(hex(await inclusionProof(m, 7, tree))).toEqual(hex([...expected]));
  });
  it.each([
    [3, [c, dd, g, l]],
    [4, [l]],
    [6, [i, j, k]],
  ] as const)('consistency proof from %i to 7', async (m, expected) => {
    const proof = await consistencyProof(m, 7, tree);
    expect(hex(proof)).toEqual(hex([...expected]));
    const old = new MemoryTree([a, b, c, dd, e, f, j].slice(0, m)).root();
    expect(verifyConsistency(m, 7, old, tree.root(), proof)).toEqual({ ok: true });
  });
  it('verifies each inclusion proof', async () => {
    for (let m = 0; m < 7; m++) {
      const leaf = [a, b, c, dd, e, f, j][m];
      expect(verifyInclusion(m, 7, leaf, await inclusionProof(m, 7, tree), tree.root())).toEqual({ ok: true });
    }
  });
});
