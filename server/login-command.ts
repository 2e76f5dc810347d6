// `hazledger login USERNAME [--person ID]`: set a login's password from the server's own machine,
// the password read from standard input (one line). The way back in when no admin can log in:
// with --person, that person is given the login (a new username, or a first login); without, the
// login USERNAME gets the new password. Its sessions end either way. On PGlite the server must be
// stopped (it holds the data directory); on PostgreSQL it may run, though access tokens it has
// already checked stay good in it until they expire (HAZLEDGER_ACCESS_TTL).
import { giveLogin } from './auth/logins.js';
import { loadJwtSecret, Tokens } from './auth/tokens.js';
import type { Config } from './config.js';
import { openDatabase } from './db/open.js';
import { Problem } from './problem.js';

export const LOGIN_USAGE = 'usage: echo NEW-PASSWORD | hazledger login USERNAME [--person PERSON-ID]';

/** USERNAME and --person ID from the arguments, or undefined when they are not that. */
export function loginArgs(args: string[]): { username: string; person?: string } | undefined {
  const [username, ...rest] = args;
  const at = rest.indexOf('--person');
  const person = at >= 0 ? rest[at + 1] : undefined;
  if (!username || username.startsWith('-') || (at >= 0 && (!person || person.startsWith('-'))) || rest.length !== (at >= 0 ? 2 : 0)) return undefined;
  return { username, person };
}

export async function loginCommand(config: Config, args: string[], password: string): Promise<number> {
  const parsed = loginArgs(args);
  if (!parsed) {
    console.error(LOGIN_USAGE);
    return 2;
  }
  const { username, person: personArg } = parsed;
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  try {
    let person = personArg;
    if (!person) {
      const [login] = await db.sql.query<{ person_id: string }>('SELECT person_id FROM credentials WHERE username = $1', [username]);
      if (!login) {
        console.error(`no login ${username}: give one to a person with --person PERSON-ID`);
        return 1;
      }
      person = login.person_id;
    }
    const tokens = new Tokens(db.sql, loadJwtSecret(config.dataDir, config.jwtSecret), { access: config.accessTtl, refresh: config.refreshTtl });
    await giveLogin(db.sql, tokens, person, username, password);
    console.log(`login ${username} of ${person}: password set; its sessions have ended`);
    return 0;
  } catch (e) {
    if (e instanceof Problem) {
      console.error(`hazledger login: ${e.detail ?? e.title}`);
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}

/**
 * The first line of standard input, which must be a pipe or a file: typed at a terminal the
 * password would be echoed (and kept in the shell's history if given as an argument).
 */
export async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) throw new Error(`pipe the new password in: ${LOGIN_USAGE}`);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}
