// Where webhooks may be sent. Any person can subscribe a URL, so without this the server would
// POST wherever it is told: its own loopback, the park's internal network, a cloud's metadata
// address; and the delivery state (status, error) would map that network for them. A target must
// resolve to public addresses only, unless its network is allowed by HAZLEDGER_WEBHOOK_ALLOW (an
// alarm system on the park's own LAN). It is checked when subscribing and again at each delivery,
// on the very address connected to (a name that later resolves to a private address is refused).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { DomainError } from '../custody/errors.js';

/** Loopback, private, link-local, shared, reserved and multicast ranges (RFC 6890 and its IPv6 kin). */
const NOT_PUBLIC: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], ['10.0.0.0', 8, 'ipv4'], ['100.64.0.0', 10, 'ipv4'], ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.0.0.0', 24, 'ipv4'], ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'], ['198.18.0.0', 15, 'ipv4'], ['198.51.100.0', 24, 'ipv4'], ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'], ['::1', 128, 'ipv6'], ['64:ff9b::', 96, 'ipv6'], ['100::', 64, 'ipv6'], ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'], ['fe80::', 10, 'ipv6'], ['ff00::', 8, 'ipv6'],
];

export class WebhookTargetError extends Error {}

/** A URL's host without the brackets of an IPv6 address ([::1] → ::1). */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

export class WebhookTargets {
  private readonly notPublic = new BlockList();
  private readonly allowed = new BlockList();

  /** `allowedNetworks`: CIDRs (`10.20.0.0/16`, `fd00::/8`) webhooks may reach though they are not public. */
  constructor(readonly allowedNetworks: readonly string[] = []) {
    for (const [net, prefix, type] of NOT_PUBLIC) this.notPublic.addSubnet(net, prefix, type);
    for (const cidr of allowedNetworks) {
      const [net, prefix] = parseCidr(cidr);
      this.allowed.addSubnet(net, prefix, isIP(net) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  /** Why a webhook may not go to `address`, or undefined when it may. */
  refusal(address: string): string | undefined {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    // (BlockList judges an IPv4 address written as IPv6, ::ffff:10.0.0.1 or ::ffff:a00:1, by the IPv4 rules.)
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (!this.notPublic.check(address, type) || this.allowed.check(address, type)) return undefined;
    return `${address} is a loopback, private or reserved address (allow its network with HAZLEDGER_WEBHOOK_ALLOW)`;
  }

  /**
   * Why a URL whose host is an IP address may not be reached (an address is never looked up, so
   * the checking `lookup` below never sees it); undefined for a name, or an address it may reach.
   */
  literalRefusal(url: URL): string | undefined {
    const host = bareHost(url);
    return isIP(host) ? this.refusal(host) : undefined;
  }

  /** Refuse a URL whose host is, or resolves to, an address webhooks may not reach (when subscribing). */
  async check(url: URL): Promise<void> {
    const host = bareHost(url);
    if (isIP(host)) {
      const refused = this.refusal(host);
      if (refused) throw new DomainError('BAD_INPUT', `the webhook host ${refused}`);
      return;
    }
    let addresses: string[];
    try {
      addresses = (await withinTime(resolveAll(host), LOOKUP_MS)).map((a) => a.address);
    } catch (e) {
      throw new DomainError('BAD_INPUT', `the webhook host ${host} cannot be resolved: ${(e as Error).message}`);
    }
    // Which internal address a name has is not told (that would answer DNS questions about the LAN).
    if (addresses.some((a) => this.refusal(a))) {
      throw new DomainError('BAD_INPUT', `the webhook host ${host} resolves to a loopback, private or reserved address (allow its network with HAZLEDGER_WEBHOOK_ALLOW)`);
    }
  }

  /**
   * A `lookup` for http(s).request that hands the socket only addresses webhooks may reach, so
   * the address checked is the address connected to. (A host given as an IP address is not
   * looked up: check it with `refusal` first.)
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (err, found: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      if (found.some((a) => this.refusal(a.address))) {
        return callback(new WebhookTargetError(`refused: ${hostname} resolves to a loopback, private or reserved address (allow its network with HAZLEDGER_WEBHOOK_ALLOW)`), '', 0);
      }
      if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, found);
      callback(null, found[0].address, found[0].family);
    });
  };
}

/** `10.20.0.0/16` as its address and prefix length (a lone address is its own /32 or /128). */
export function parseCidr(cidr: string): [string, number] {
  const [net, bits] = cidr.trim().split('/');
  const family = isIP(net);
  const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
  if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
    throw new Error(`HAZLEDGER_WEBHOOK_ALLOW: ${JSON.stringify(cidr)} is not a network like 10.20.0.0/16 or fd00::/8`);
  }
  return [net, prefix];
}

/** How long a subscription waits for its host to resolve. */
const LOOKUP_MS = 5000;

function withinTime<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const resolveAll = (host: string) =>
  new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (err, a) => (err ? reject(err) : resolve(a))));
