// The baseline for sealing throughput: the same bytes, the same greedy group commit, but a plain
// multi-row INSERT into an unindexed table — no Merkle tree, tiles, checkpoint or head lock.
import type { Bytes } from '../ledger/index.js';
import type { Sql } from '../ledger/store/sql.js';

export class PlainBatcher {
  private queue: { body: Bytes; resolve(): void; reject(e: Error): void }[] = [];
  private running = false;
  private n = 0;

  constructor(
    private readonly sql: Sql,
    private readonly table: string,
  ) {}

  static async create(sql: Sql, table = 'bench_plain'): Promise<PlainBatcher> {
    await sql.query(`DROP TABLE IF EXISTS ${table}`);
    await sql.query(`CREATE TABLE ${table} (idx bigint NOT NULL, body bytea NOT NULL)`);
    return new PlainBatcher(sql, table);
  }

  insert(body: Bytes): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ body, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 1000);
      try {
        await this.sql.transaction(async (tx) => {
          const params: unknown[] = [];
          const values = batch.map((b) => {
            params.push(this.n++, b.body);
            return `($${params.length - 1}::bigint, $${params.length}::bytea)`;
          });
          await tx.query(`INSERT INTO ${this.table} (idx, body) VALUES ${values.join(', ')}`, params);
        });
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e as Error);
      }
    }
    this.running = false;
  }
}
