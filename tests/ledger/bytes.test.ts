// The byte helpers' fast paths (short base64 in JavaScript, SHA-256 through a latin1 digest)
// must give exactly what Node's own encoders and hashes give.
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../ledger/bytes.js';
import { sha256 } from '../../ledger/hash.js';

it('encodes base64 as Buffer does, at every length around the short path', () => {
  for (let n = 0; n <= 100; n++) {
    for (let r = 0; r < 20; r++) {
      const b = randomBytes(n);
      const plain = new Uint8Array(b); // a plain array, as the hashes are
      expect(toBase64(plain)).toBe(b.toString('base64'));
      expect(toBase64(new Uint8Array(b.buffer, b.byteOffset + 0, n))).toBe(b.toString('base64')); // a view into a larger buffer
      expect(fromBase64(toBase64(plain))).toEqual(plain);
    }
  }
});

it('hashes as node:crypto does, into a plain Uint8Array of its own', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 700 }), (data) => {
      const h = sha256(data);
      expect(Buffer.from(h).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
      expect(h.length).toBe(32);
      expect(h.byteOffset).toBe(0);
      expect(h.buffer.byteLength).toBe(32); // not a view that keeps a larger buffer alive
    }),
    { numRuns: 2000 },
  );
});
