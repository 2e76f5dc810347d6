#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../server/cli.ts');
process.exitCode = await run(process.argv.slice(2));
