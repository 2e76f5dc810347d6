// Small measuring helpers shared by the benchmarks.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summary(latenciesMs: number[]): { p50: number; p99: number; max: number } {
  const s = [...latenciesMs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] };
}

export const fmt = (n: number, digits = 1) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }) : String(n);

export function gcNow(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmarks with node --expose-gc (npm run bench does)');
  gc();
  gc();
}

export const mb = (bytes: number) => bytes / 1024 / 1024;

/** Run `writers` closed-loop writers until `total` operations are done; returns per-op latencies. */
export function closedLoop(total: number, writers: number, op: (i: number) => Promise<unknown>): Promise<{ seconds: number; latencies: number[] }> {
  return pacedLoop(total, Infinity, writers, op);
}

/**
 * Open loop at `rate` a second (closed when it is Infinity): operation i is due at `i / rate`
 * seconds from the start, whoever is free sends it (at most `clients` in flight), and its latency
 * counts from when it was due, so a server that falls behind shows it in full (no coordinated
 * omission).
 */
export async function pacedLoop(total: number, rate: number, clients: number, op: (i: number) => Promise<unknown>): Promise<{ seconds: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = new Array(total);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < total; i = next++) {
        const due = Number.isFinite(rate) ? started + (i * 1000) / rate : performance.now();
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await op(i);
        latencies[i] = performance.now() - due;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies };
}

export interface Figure {
  what: string;
  value: string;
  baseline: string;
  ratio: number;
  goal: string;
  /** Undefined for figures printed for the record, without a goal. */
  met?: boolean;
}

export function printFigures(title: string, figures: Figure[]): void {
  console.log(`\n${title}`);
  // Small ratios (a whole manifest against one GET) keep two significant digits.
  const ratio = (r: number) => (r > 0 && r < 0.01 ? r.toPrecision(2) : fmt(r, 3));
  const rows = figures.map((f) => [f.met === undefined ? '    ' : f.met ? 'MET ' : 'MISS', f.what, f.value, f.baseline, `ratio ${ratio(f.ratio)}`, `goal ${f.goal}`]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log('  ' + r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
}
