// The small SQL surface the ledger store needs, implemented over `pg` and over PGlite, so the
// store runs the same statements on both drivers.

export type Row = Record<string, unknown>;

export interface Sql {
  readonly driver: 'postgres' | 'pglite';
  /** `name` makes it a prepared statement on PostgreSQL (parsed and planned once per connection). */
  query<T extends Row = Row>(text: string, params?: unknown[], name?: string): Promise<T[]>;
  /** Run `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * A transaction's last statement: on PostgreSQL it goes out together with the COMMIT, one round
   * trip for both, and nothing may follow it. Anywhere else, the same as `query`.
   */
  commitWith<T extends Row = Row>(text: string, params?: unknown[], name?: string): Promise<T[]>;
  /**
   * `COPY (query) TO STDOUT (FORMAT binary)`, whole, on PostgreSQL: for reading many rows, a
   * fraction of the cost of a SELECT's row messages on both sides. Absent on PGlite.
   */
  copyOutBinary?(query: string): Promise<Uint8Array>;
}

/** bigint columns come back as strings from pg and as numbers or bigints from PGlite. */
export const num = (v: unknown): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${String(v)}`);
  return n;
};

export const bytes = (v: unknown): Uint8Array => {
  if (v instanceof Uint8Array) return v;
  throw new Error('expected a bytea value');
};
