// A PostgreSQL cluster of a test's own (initdb into a temp dir, its own port and socket dir), to
// stop and start under a running server: the shared cluster on 5432 is never restarted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './process.js';

const BIN = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().at(-1)!, 'bin');
// Tests run as root; PostgreSQL refuses to: its commands run as the postgres user.
const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args], { stdio: 'pipe' });

export interface PrivatePostgres {
  url: string;
  start(): void;
  /** `pg_ctl -m immediate stop`: every backend killed, as a crash would. */
  crash(): void;
  dispose(): void;
}

export async function privatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'hz-pg-'));
  execFileSync('chown', ['postgres:postgres', dir]);
  const data = join(dir, 'data');
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  let running = false;
  const pg: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      asPostgres('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '120', 'start']);
      running = true;
    },
    crash() {
      asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    dispose() {
      if (running) pg.crash();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}
