// The one drizzle schema for both drivers; drizzle-kit generates migrations from it.
export * from '../../ledger/store/schema.js';
export * from './read-side.js';
