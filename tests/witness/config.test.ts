// HAZLEDGER_WITNESS_* (the witness) and HAZLEDGER_WITNESSES (the log's witnesses).
import { describe, expect, it } from 'vitest';
import { ed25519NoteSigner, encodeVkey } from '../../ledger/index.js';
import { ed25519Cosigner, encodeCosignerVkey } from '../../ledger/cosignature.js';
import { loadConfig, loadWitnessConfig } from '../../server/config.js';

const log = ed25519NoteSigner('a.example/log', new Uint8Array(32).fill(1));
const logVkey = encodeVkey(log.name, log.publicKey);
const w = ed25519Cosigner('w.example/w1', new Uint8Array(32).fill(2));
const wVkey = encodeCosignerVkey(w.name, w.publicKey);

describe('witness configuration', () => {
  it('reads the witness: directory, port, name, and its logs as origin=vkey or a bare vkey', () => {
    const c = loadWitnessConfig({ HAZLEDGER_WITNESS_DIR: '/tmp/w', HAZLEDGER_WITNESS_PORT: '9000', HAZLEDGER_WITNESS_LOGS: `other.example/log=${logVkey}, ${logVkey}` });
    expect(c).toMatchObject({ dir: '/tmp/w', port: 9000, host: '0.0.0.0', name: 'witness.hazledger.example/w1', logLevel: 'info' });
    expect(c.logs).toEqual([{ origin: 'other.example/log', vkey: logVkey }, { origin: 'a.example/log', vkey: logVkey }]);
  });

  it('refuses a witness without logs, a bad log key, a bad port or name', () => {
    expect(() => loadWitnessConfig({})).toThrow(/HAZLEDGER_WITNESS_LOGS is empty/);
    expect(() => loadWitnessConfig({ HAZLEDGER_WITNESS_LOGS: 'a.example/log=nonsense' })).toThrow(/HAZLEDGER_WITNESS_LOGS/);
    expect(() => loadWitnessConfig({ HAZLEDGER_WITNESS_LOGS: logVkey, HAZLEDGER_WITNESS_PORT: 'x' })).toThrow(/HAZLEDGER_WITNESS_PORT/);
    expect(() => loadWitnessConfig({ HAZLEDGER_WITNESS_LOGS: logVkey, HAZLEDGER_WITNESS_NAME: 'a b' })).toThrow(/HAZLEDGER_WITNESS_NAME/);
  });

  it("reads the log's witnesses as url=vkey", () => {
    expect(loadConfig({}).witnesses).toEqual([]);
    const c = loadConfig({ HAZLEDGER_WITNESSES: `https://w1.example/witness/=${wVkey} http://127.0.0.1:8090=${wVkey}` });
    expect(c.witnesses).toEqual([{ url: 'https://w1.example/witness', vkey: wVkey }, { url: 'http://127.0.0.1:8090', vkey: wVkey }]);
    expect(() => loadConfig({ HAZLEDGER_WITNESSES: wVkey })).toThrow(/url=vkey/);
    expect(() => loadConfig({ HAZLEDGER_WITNESSES: 'http://w.example=w+00000000+AAAA' })).toThrow(/HAZLEDGER_WITNESSES/);
  });
});
