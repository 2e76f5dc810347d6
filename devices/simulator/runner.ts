// One simulated day against a running server: open the emulated park (ptys, sockets, gateway),
// wait until the gateway reports every device linked, run the day, wait for what it should have
// sealed and raised, and tear everything down whatever happened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerTail, ParkApi } from './api.js';
import { Locks, SimClock, sleep } from './clock.js';
import { runDay } from './day.js';
import { openPark, type Park } from './park.js';
import { planDay, type DayOptions } from './plan.js';
import { summarise, type Summary } from './summary.js';

export interface SimulateOptions extends DayOptions {
  server: string;
  speed: number;
  /** Working directory (ptys, gateway config and outboxes); a temporary one unless given. */
  dir?: string;
  /** Write the gateway config here and run no gateway: the caller starts `hazledger gateway --config` on it. */
  gatewayConfig?: string;
  log: (line: string) => void;
  /** Aborting stops the day where it is (the devices and the gateway go away) and rejects. */
  signal?: AbortSignal;
}

async function waitForGateway(api: ParkApi, park: Park, log: (l: string) => void, external: boolean, signal?: AbortSignal): Promise<void> {
  const devices = park.devices;
  if (external) log(`simulate: waiting for a gateway on the config (hazledger gateway --config …) to link ${devices.length} devices`);
  for (const end = Date.now() + (external ? 300_000 : 30_000); ; await sleep(250, signal)) {
    const { devices: list } = (await api.get('/api/devices', 'admin')) as { devices: { id: string; gateway: { reportedAt: string; health: { link?: string } } | null }[] };
    const up = list.filter((d) => devices.includes(d.id) && d.gateway?.health.link === 'up' && Date.now() - Date.parse(d.gateway.reportedAt) < 5000);
    if (up.length === devices.length) return;
    if (park.gatewayGone) throw new Error(park.gatewayGone);
    if (Date.now() > end) throw new Error(`the gateway did not link every device: up ${up.map((d) => d.id).join(', ') || 'none'} of ${devices.join(', ')}`);
  }
}

export async function simulate(o: SimulateOptions): Promise<Summary> {
  const started = Date.now();
  const plan = planDay(o);
  const run = started.toString(36);
  // Stopped from outside (a signal), or by the day failing: every wait then gives up at once.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort);
  const tail = await LedgerTail.at(o.server, stop.signal);
  const api = new ParkApi(o.server, `sim-${o.seed}-${run}`);
  o.log(`simulate: seed ${o.seed}, ${plan.manifests.length} manifests × ${o.unitsPerManifest} drums, speed ×${o.speed}, faults: ${[...o.faults].join(', ') || 'none'}; log size ${tail.from}`);
  // Outboxes per server, kept between runs (park.ts says why); under --dir when given.
  const outboxDir = o.dir ? join(o.dir, 'outbox') : join(tmpdir(), 'hazledger-sim-outbox', o.server.replace(/[^a-z0-9.]+/gi, '_'));
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'hazledger-sim-'));
  const removeDir = () => o.dir || rmSync(dir, { recursive: true, force: true });
  const park = await openPark({ server: o.server, dir, outboxDir, seed: o.seed, garbageReader: o.faults.has('garbage-reader'), gatewayConfig: o.gatewayConfig, log: o.log }).catch((e: unknown) => {
    removeDir();
    throw e;
  });
  stop.signal.addEventListener('abort', () => void park.stop());
  try {
    await waitForGateway(api, park, o.log, o.gatewayConfig !== undefined, stop.signal);
    o.log(`simulate: gateway linked ${park.devices.join(', ')} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const clock = new SimClock(o.speed, stop.signal); // the day starts once the devices are up
    // GRAI serials of this run: fresh per second (up to 8000 drums a day), so a day can run again on the same server.
    const serialBase = (Math.floor(started / 1000) % 10_000_000) * 10_000;
    const made = await runDay({ plan, api, tail, park, clock, locks: new Locks(), serialBase, log: o.log });
    return await summarise(plan, made, api, tail, park.devices, started);
  } catch (e) {
    stop.abort();
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await park.stop();
    removeDir();
  }
}
