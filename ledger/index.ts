// The pure ledger: no database, no Fastify; the same code runs in Node and in a browser.
export * from './bytes.js';
export * from './hash.js';
export * from './canonical.js';
export * from './tree.js';
export * from './proofs.js';
export * from './verify.js';
export * from './ed25519.js';
export * from './note.js';
export * from './checkpoint.js';
export * from './tlog-proof.js';
export * from './entry.js';
export * from './evidence.js';
export * from './cosignature.js';
export * from './witness-protocol.js';
export * from './witness-policy.js';
