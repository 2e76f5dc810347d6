// `hazledger simulate`: a day of the pilot park against a running server, through emulated
// devices and the gateway (README "Park simulator"). Progress on stderr; the summary on stderr,
// or as JSON on stdout with --json. Exits 0 when every expected step was sealed and exactly the
// planted faults were raised as findings, 1 otherwise, 2 on bad arguments.
import { checkDayOptions, parseFaults } from './plan.js';
import { simulate, type SimulateOptions } from './runner.js';
import { printSummary } from './summary.js';

export const SIMULATE_USAGE = `usage: hazledger simulate [--server URL] [--manifests N] [--units-per-manifest M] [--speed X]
                          [--seed S] [--fault F,…] [--gateway-config FILE] [--dir DIR] [--json]

  --server URL            the running server (default http://127.0.0.1:$PORT, PORT 8080 unless set)
  --manifests N           transfer manifests in the day (default 2)
  --units-per-manifest M  drums on each (default 4)
  --speed X               time compression: X simulated seconds per real second (default 60)
  --seed S                the day's plan: the same seed, the same drums, weights, trucks and faults (default 1)
  --fault F,…             plant faults: drum-left-behind, light-drum, wrong-plate, garbage-reader, or all
  --gateway-config FILE   write the gateway config there and run no gateway (start hazledger gateway on it)
  --dir DIR               keep the ptys, gateway config and outboxes there (default: a temporary folder)
  --json                  print the summary as JSON on stdout`;

const FLAGS = new Set(['server', 'manifests', 'units-per-manifest', 'speed', 'seed', 'fault', 'faults', 'gateway-config', 'dir', 'json']);

/** `--name value` or `--name=value`; throws on an unknown flag or a missing value. */
export function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    if (!m || !FLAGS.has(m[1]!)) throw new Error(`unknown argument ${JSON.stringify(a)}`);
    if (m[1] === 'json') {
      out.set('json', 'true');
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`--${m[1]} needs a value`);
    out.set(m[1] === 'faults' ? 'fault' : m[1]!, value);
  }
  return out;
}

function number(args: Map<string, string>, name: string, fallback: number): number {
  const v = args.get(name);
  if (v === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new Error(`--${name} must be a number, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** `defaultPort`: the local server's (PORT, read by server/config.ts). */
export function simulateOptions(argv: string[], defaultPort: number, log: (l: string) => void): SimulateOptions {
  const args = parseArgs(argv);
  const server = (args.get('server') ?? `http://127.0.0.1:${defaultPort}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+$/.test(server)) throw new Error(`--server must be a base URL like http://127.0.0.1:8080, got ${JSON.stringify(server)}`);
  const options: SimulateOptions = {
    server,
    manifests: number(args, 'manifests', 2),
    unitsPerManifest: number(args, 'units-per-manifest', 4),
    speed: number(args, 'speed', 60),
    seed: number(args, 'seed', 1),
    faults: parseFaults(args.get('fault')),
    gatewayConfig: args.get('gateway-config'),
    dir: args.get('dir'),
    log,
  };
  checkDayOptions(options);
  if (!(options.speed > 0 && options.speed <= 100_000)) throw new Error(`--speed must be above 0 and at most 100000, got ${options.speed}`);
  return options;
}

export async function simulateCommand(argv: string[], defaultPort: number): Promise<number> {
  const log = (l: string) => console.error(l);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  let options: SimulateOptions;
  try {
    options = simulateOptions(argv, defaultPort, log);
  } catch (e) {
    console.error(`hazledger simulate: ${(e as Error).message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  // A signal stops the day: the emulated devices, socat and the gateway go with it.
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let summary;
  try {
    summary = await simulate({ ...options, signal: abort.signal });
  } catch (e) {
    if (abort.signal.aborted) return 130;
    throw e;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  printSummary(summary, log);
  if (argv.includes('--json')) console.log(JSON.stringify(summary));
  return summary.ok ? 0 : 1;
}
