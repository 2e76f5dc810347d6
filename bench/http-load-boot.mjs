// Worker threads do not inherit the tsx loader: register it, then run the load generator
// (http-load.ts, or the module that workerData.script names, relative to this file).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.script ?? './http-load.ts');
