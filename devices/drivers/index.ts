// One entry point for `hazledger gateway`: a protocol name and its options → a driver.
import { ChafonDriver, type ChafonDriverOptions } from './chafon.js';
import type { Driver, DriverOptions } from './driver.js';
import { LineDriver, type LineDriverOptions } from './line.js';
import { LlrpDriver, type LlrpDriverOptions } from './llrp.js';
import { MtSicsDriver, type MtSicsDriverOptions } from './mtsics.js';
import { R2000Driver, type R2000DriverOptions } from './r2000.js';
import { ToledoDriver, type ToledoDriverOptions } from './toledo.js';
import { Xk3190Driver, type Xk3190DriverOptions } from './xk3190.js';

export { Driver, type DriverOptions, type DriverReading } from './driver.js';
export type { DeviceHealth } from './health.js';
export { ChafonDriver, LineDriver, LlrpDriver, MtSicsDriver, R2000Driver, ToledoDriver, Xk3190Driver };

export const PROTOCOLS = ['r2000', 'chafon', 'llrp', 'line', 'xk3190', 'toledo', 'mtsics'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Protocol-specific settings, as a config file gives them (see README "Device gateway"). */
export type ProtocolOptions = Omit<
  R2000DriverOptions & ChafonDriverOptions & LlrpDriverOptions & LineDriverOptions & Xk3190DriverOptions & ToledoDriverOptions & MtSicsDriverOptions,
  keyof DriverOptions
>;

/** Other spellings a config may use: the registry (and Mettler Toledo) write MT-SICS with a hyphen. */
const ALIASES: Record<string, Protocol> = { 'mt-sics': 'mtsics' };

/** The protocol a config names, under its own name or an alias; undefined for an unknown one. */
export function protocolNamed(p: unknown): Protocol | undefined {
  if (typeof p !== 'string') return undefined;
  return (PROTOCOLS as readonly string[]).includes(p) ? (p as Protocol) : Object.hasOwn(ALIASES, p) ? ALIASES[p] : undefined;
}

/** Throws (at startup, with the device id) on an unknown protocol or bad settings. */
export function createDriver(protocol: Protocol, o: DriverOptions & Partial<ProtocolOptions>): Driver<unknown> {
  switch (protocol) {
    case 'r2000':
      return new R2000Driver(o) as Driver<unknown>;
    case 'chafon':
      return new ChafonDriver(o) as Driver<unknown>;
    case 'llrp':
      return new LlrpDriver(o) as Driver<unknown>;
    case 'line':
      return new LineDriver(o) as Driver<unknown>;
    case 'xk3190':
      return new Xk3190Driver(o) as Driver<unknown>;
    case 'toledo':
      return new ToledoDriver(o) as Driver<unknown>;
    case 'mtsics':
      return new MtSicsDriver(o) as Driver<unknown>;
    default:
      throw new Error(`${o.id}: unknown protocol ${String(protocol)}; one of ${PROTOCOLS.join(', ')}`);
  }
}
