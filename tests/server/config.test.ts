import { describe, expect, it } from 'vitest';
import { DEFAULT_ORIGIN, loadConfig } from '../../server/config.js';

describe('configuration', () => {
  it('has documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '0.0.0.0', origin: DEFAULT_ORIGIN, maxBatch: 1000, seed: true, accessTtl: 900, gs1CompanyPrefixes: ['6901234'] });
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c).toMatchObject({ demo: true, demoSeed: 20261128 });
  });

  it('turns the demo history off with HAZLEDGER_DEMO=0 and reads its seed', () => {
    for (const off of ['0', 'false', 'no', 'off', 'FALSE']) expect(loadConfig({ HAZLEDGER_DEMO: off }).demo, off).toBe(false);
    for (const on of ['1', 'true', 'yes', 'on', '']) expect(loadConfig({ HAZLEDGER_DEMO: on }).demo, on).toBe(true);
    expect(loadConfig({ HAZLEDGER_DEMO_SEED: '42' }).demoSeed).toBe(42);
    expect(loadConfig({ HAZLEDGER_DEMO_SEED: '4294967295' }).demoSeed).toBe(2 ** 32 - 1);
    expect(() => loadConfig({ HAZLEDGER_DEMO: 'maybe' })).toThrow(/HAZLEDGER_DEMO must be 0 or 1/);
    expect(() => loadConfig({ HAZLEDGER_DEMO_SEED: '-1' })).toThrow(/HAZLEDGER_DEMO_SEED must be an integer/);
    expect(() => loadConfig({ HAZLEDGER_DEMO_SEED: 'abc' })).toThrow(/HAZLEDGER_DEMO_SEED/);
  });

  it('reads the environment', () => {
    const c = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://x/y', HAZLEDGER_SEED: '0', HAZLEDGER_GS1_PREFIXES: '6901234, 6920000', HAZLEDGER_PUBLIC_URL: 'https://id.example.cn/' });
    expect(c).toMatchObject({ port: 9000, databaseUrl: 'postgres://x/y', seed: false, gs1CompanyPrefixes: ['6901234', '6920000'], publicUrl: 'https://id.example.cn' });
  });

  it('refuses bad values with a message that names the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be an integer/);
    expect(() => loadConfig({ HAZLEDGER_MAX_BATCH: '0' })).toThrow(/HAZLEDGER_MAX_BATCH/);
    expect(() => loadConfig({ HAZLEDGER_SEED: 'maybe' })).toThrow(/HAZLEDGER_SEED must be 0 or 1/);
    expect(() => loadConfig({ HAZLEDGER_ORIGIN: 'a b' })).toThrow(/HAZLEDGER_ORIGIN/);
    // The storage page filters by whole days (storedLongerThanDays): a fraction would get it a 400.
    expect(() => loadConfig({ HAZLEDGER_FINDING_STORAGE_DAYS: '365.5' })).toThrow(/HAZLEDGER_FINDING_STORAGE_DAYS must be an integer/);
    expect(loadConfig({ HAZLEDGER_FINDING_STORAGE_DAYS: '180' }).findingLimits.storageDays).toBe(180);
  });
});
