// `hazledger login`: a login's password set from the server's machine (the way back in when no
// admin can log in), on both drivers: the new password logs in, the old one and the sessions
// before it no longer do; wrong use is refused without touching anything.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/app.js';
import { createContext } from '../../server/context.js';
import { loginCommand } from '../../server/login-command.js';
import { DRIVERS, placeEnv, testPlace, type TestPlace } from '../helpers/databases.js';

describe.each(DRIVERS)('hazledger login, on %s', (driver) => {
  let place: TestPlace;
  afterAll(() => place?.dispose());

  /** Start the server on the place, run `fn` against it, and stop it again. */
  async function served<T>(fn: (login: (username: string, password: string) => Promise<{ status: number; refresh: string }>) => Promise<T>): Promise<T> {
    const ctx = await createContext(place.config({ seed: true }));
    await ctx.sequencer.idle();
    const app = await buildApp(ctx);
    try {
      return await fn(async (username, password) => {
        const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
        return { status: res.statusCode, refresh: res.statusCode === 200 ? res.json().refreshToken : '' };
      });
    } finally {
      await app.close();
      await ctx.close();
    }
  }

  it('sets a password, ends the sessions before, and gives a login to a person with --person', async () => {
    place = await testPlace(driver);
    const before = await served(async (login) => (await login('admin', 'admin-demo')).refresh);
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await loginCommand(place.config(), ['admin'], 'Shanghai-tower-632')).toBe(0);
      expect(await loginCommand(place.config(), ['nobody'], 'Shanghai-tower-632')).toBe(1); // no such login
      expect(await loginCommand(place.config(), ['admin'], 'short')).toBe(1);
      expect(await loginCommand(place.config(), ['producer', '--person', 'p-sun-li'], 'Shanghai-tower-632')).toBe(1); // another's username
      expect(await loginCommand(place.config(), ['sun.li.ops', '--person', 'p-sun-li'], 'Ningbo-port-9000')).toBe(0);
      expect(await loginCommand(place.config(), [], 'Shanghai-tower-632')).toBe(2);
      expect(await loginCommand(place.config(), ['admin', '--person'], 'Shanghai-tower-632')).toBe(2);
      expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(/no login nobody/), expect.stringMatching(/at least 10 characters/), expect.stringMatching(/another person's/),
        expect.stringMatching(/^usage/), expect.stringMatching(/^usage/),
      ]);
    } finally {
      vi.restoreAllMocks();
    }
    await served(async (login) => {
      expect((await login('admin', 'admin-demo')).status).toBe(401);
      expect((await login('admin', 'Shanghai-tower-632')).status).toBe(200);
      expect((await login('sun.li.ops', 'Ningbo-port-9000')).status).toBe(200);
      expect((await login('inspector', 'inspector-demo')).status).toBe(401); // renamed
    });
    const ctx = await createContext(place.config());
    try {
      await expect(ctx.tokens.refresh(before)).rejects.toThrow(/the login was changed or taken away/);
    } finally {
      await ctx.close();
    }
  });

  it('reads the password from standard input when run as a command', async () => {
    const cli = spawn('node', ['bin/hazledger.mjs', 'login', 'admin'], { env: placeEnv(place), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (c) => (out += c));
    cli.stderr.on('data', (c) => (out += c));
    cli.stdin.end('Hangzhou-west-lake-1\n');
    expect(await new Promise((r) => cli.on('close', r)), out).toBe(0);
    expect(out).toMatch(/login admin of p-zhou-admin: password set/);
    await served(async (login) => expect((await login('admin', 'Hangzhou-west-lake-1')).status).toBe(200));
  }, 60_000);

  it('answers --help and bad arguments at once, without waiting for standard input', async () => {
    for (const [args, code] of [[['login', '--help'], 0], [['login'], 2], [['login', 'admin', '--person'], 2]] as const) {
      // Standard input left open: a command that read it first would wait for ever.
      const cli = spawn('node', ['bin/hazledger.mjs', ...args], { env: placeEnv(place), stdio: ['pipe', 'pipe', 'pipe'] });
      let err = '';
      cli.stderr.on('data', (c) => (err += c));
      expect(await new Promise((r) => cli.on('close', r)), args.join(' ')).toBe(code);
      expect(err).toMatch(/^usage: echo NEW-PASSWORD \| hazledger login/);
      cli.stdin.destroy();
    }
  }, 60_000);
});
