// The same ledger/ code verifies proofs, checkpoints and evidence bundles in a real browser,
// where it runs on @noble (no node:crypto), and agrees with Node break for break.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVIDENCE_FORMAT, ed25519NoteSigner, encodeVkey, fromBase64, inclusionProof, leafHash, MemoryTree, randomSeed, signCheckpoint,
  toBase64, utf8, verifyEvidence, type EvidenceBundle,
} from '../../ledger/index.js';
import { launchChromium, ledgerBrowserBundle } from '../helpers/browser.js';

async function makeBundle(): Promise<{ bundle: EvidenceBundle; vkey: string }> {
  const signer = ed25519NoteSigner('browser.hazledger.example/log', randomSeed());
  const bodies = Array.from({ length: 37 }, (_, i) => utf8(JSON.stringify({ v: 1, type: 'unit.sighted', at: '2026-11-28T00:00:00Z', by: { role: 'producer' }, data: { i } })));
  // entries 5, 9, 20 form one unit's chain
  const chain = [5, 9, 20];
  let prev: string | undefined;
  for (const i of chain) {
    bodies[i] = utf8(JSON.stringify({ v: 1, type: 'unit.weighed', at: '2026-11-28T00:00:00Z', by: { role: 'producer' }, unit: 'U-1', ...(prev ? { prev: { unit: prev } } : {}), data: { i } }));
    prev = toBase64(leafHash(bodies[i]));
  }
  const tree = new MemoryTree(bodies.map(leafHash));
  const checkpoint = signCheckpoint({ origin: signer.name, size: tree.size, root: tree.root() }, signer);
  const entries = [];
  for (const i of chain) entries.push({ index: i, body: toBase64(bodies[i]), proof: (await inclusionProof(i, tree.size, tree)).map(toBase64) });
  const vkey = encodeVkey(signer.name, signer.publicKey);
  return { bundle: { format: EVIDENCE_FORMAT, subject: { kind: 'unit', id: 'U-1' }, vkey, checkpoint, entries }, vkey };
}

describe('the ledger in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: Server;

  beforeAll(async () => {
    const code = await ledgerBrowserBundle();
    expect(code).not.toMatch(/from ["']node:/);
    server = createServer((req, res) => {
      if (req.url === '/ledger.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module">import * as ledger from "/ledger.js"; window.ledger = ledger; window.ready = true;</script>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('verifies an evidence bundle, and finds the same breaks as Node in a bent one', async () => {
    const { bundle, vkey } = await makeBundle();
    const inBrowser = (b: EvidenceBundle) =>
      page.evaluate(([b, k]) => {
        const r = (window as unknown as { ledger: typeof import('../../ledger/index.js') }).ledger.verifyEvidence(b, k as string);
        return { breaks: r.breaks, size: r.checkpoint?.size };
      }, [b, vkey] as const);
    expect(await inBrowser(bundle)).toEqual({ breaks: [], size: 37 });
    const bent: EvidenceBundle = JSON.parse(JSON.stringify(bundle));
    const body = fromBase64(bent.entries[1].body);
    body[3] ^= 1;
    bent.entries[1].body = toBase64(body);
    const browserBreaks = (await inBrowser(bent)).breaks;
    expect(browserBreaks.length).toBeGreaterThan(0);
    expect(browserBreaks).toEqual(verifyEvidence(bent, vkey).breaks);
    expect(browserBreaks[0]).toMatchObject({ index: 9, code: 'ENTRY_NOT_INCLUDED' });
  });

  it('runs on the browser\'s own primitives, with the RFC vectors', async () => {
    const result = await page.evaluate(() => {
      const l = (window as unknown as { ledger: typeof import('../../ledger/index.js') }).ledger;
      return {
        hasNodeCrypto: typeof (globalThis as { process?: unknown }).process !== 'undefined',
        emptyRoot: l.toHex(l.EMPTY_ROOT),
        specNote: l.openNote(
          'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n',
          [l.parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')],
        ).signedBy,
        root8: l.toHex(new l.MemoryTree(['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => l.leafHash(l.fromHex(h)))).root()),
      };
    });
    expect(result).toEqual({
      hasNodeCrypto: false,
      emptyRoot: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      specNote: ['example.com/foo'],
      root8: '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    });
  });
});
