// Seeded PRNG for property-style tests: failures reproduce, and the seed is in the test name.
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: ArrayLike<T>): T => xs[int(0, xs.length - 1)]!;
  const digits = (n: number): string => Array.from({ length: n }, () => pick('0123456789')).join('');
  const hex = (n: number): string => Array.from({ length: n }, () => pick('0123456789ABCDEF')).join('');
  return { next, int, pick, digits, hex };
}
