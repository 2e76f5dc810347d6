// Worker threads do not inherit the tsx loader: register it, then run the load generator.
import { register } from 'tsx/esm/api';

register();
await import('./http-load.ts');
