// Child process for the crash test: appends chained entries with 32 writers until killed and
// prints "ACK <index> <leaf hash hex>" for every append the log acknowledged.
import { toHex } from '../../ledger/index.js';
import { loadConfig } from '../../server/config.js';
import { createContext } from '../../server/context.js';
import { ChainedEntries } from './entries.js';

const ctx = await createContext(loadConfig());
const start = (await ctx.reader.head()).size;
const gen = new ChainedEntries(64, start);
process.stdout.write(`READY ${start}\n`);
const writer = async () => {
  for (;;) {
    const sealed = await ctx.sequencer.append(gen.next());
    process.stdout.write(`ACK ${sealed.index} ${toHex(sealed.leafHash)}\n`);
  }
};
await Promise.all(Array.from({ length: 32 }, writer));
