// Host-only network arithmetic and checks: CIDR parsing, the VirtualBox 6.1.28+ allowed ranges,
// DHCP ranges, and collisions with the host's own interfaces.
import type os from 'node:os';
import { FlotillaError } from '../../../../api/errors.js';

export const DEFAULT_HOSTONLY_CIDR = '192.168.59.1/24';

export interface HostCidr {
  ip: string;
  prefix: number;
  netmask: string;
  network: string;
}

export const ipToInt = (ip: string): number => ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
export const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

export function parseHostCidr(cidr: string): HostCidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 30 || Number(m[5]) < 8)
    throw new FlotillaError('BAD_INPUT', `"${cidr}" is not a host-only network like 192.168.59.1/24 (an IPv4 host address and a prefix from 8 to 30)`);
  const ip = `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
  const prefix = Number(m[5]);
  const mask = maskOf(prefix);
  const net = (ipToInt(ip) & mask) >>> 0;
  if (net === ipToInt(ip))
    throw new FlotillaError('BAD_INPUT', `host-only CIDR ${cidr} must be given with the host's address, not the network address: e.g. ${intToIp(net + 1)}/${prefix}`);
  return { ip, prefix, netmask: intToIp(mask), network: intToIp(net) };
}

/** 192.168.56.0/21: the only IPv4 range VirtualBox >= 6.1.28 allows by default on Linux, macOS and Solaris. */
export function inDefaultAllowedRange(c: HostCidr): boolean {
  const lo = ipToInt('192.168.56.0'), hi = ipToInt('192.168.63.255');
  const net = ipToInt(c.network), bcast = (net | (~ipToInt(c.netmask) >>> 0)) >>> 0;
  return net >= lo && bcast <= hi;
}

/** Does /etc/vbox/networks.conf (lines like "* 10.0.0.0/8 192.168.0.0/16") allow the whole network? */
export function networksConfAllows(text: string, c: HostCidr): boolean {
  const net = ipToInt(c.network), bcast = (net | (~ipToInt(c.netmask) >>> 0)) >>> 0;
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t.startsWith('*')) continue;
    for (const tok of t.slice(1).trim().split(/\s+/)) {
      const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(tok);
      if (!m) continue;
      const mask = maskOf(Number(m[2]));
      const base = (ipToInt(m[1]!) & mask) >>> 0;
      if ((net & mask) >>> 0 === base && (bcast & mask) >>> 0 === base) return true;
    }
  }
  return false;
}

export function rangeRefusedMessage(cidr: string): string {
  return `VirtualBox host-only network ${cidr} is not allowed since VirtualBox 6.1.28; use 192.168.56.1/24 (or any /24 from 192.168.56.1 to 192.168.63.1, e.g. the default ${DEFAULT_HOSTONLY_CIDR}) or add it to /etc/vbox/networks.conf (a line "* ${parseHostCidrLoose(cidr)}")`;
}
function parseHostCidrLoose(cidr: string): string {
  try {
    const c = parseHostCidr(cidr);
    return `${c.network}/${c.prefix}`;
  } catch {
    return cidr;
  }
}

/** The DHCP server's own address and lease range, as docker-machine computes them. */
export function dhcpPlan(c: HostCidr): { serverIp: string; lower: string; upper: string } {
  const host = ipToInt(c.ip);
  const net = ipToInt(c.network);
  const bcast = (net | (~ipToInt(c.netmask) >>> 0)) >>> 0;
  const server = host - net === 2 ? net + 3 : net + 2;
  if (c.prefix <= 24) {
    const base = (server & 0xffffff00) >>> 0;
    return { serverIp: intToIp(server), lower: intToIp(base + 100), upper: intToIp(base + 254) };
  }
  return { serverIp: intToIp(server), lower: intToIp(server + 1), upper: intToIp(bcast - 1) };
}

/**
 * A host interface (up, not loopback, not itself a VirtualBox host-only adapter) on the same network means
 * VM traffic would be misrouted. `hostOnlyNames` are the adapters VirtualBox lists.
 */
export function findCollision(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>, c: HostCidr, hostOnlyNames: string[]): string | undefined {
  const mask = ipToInt(c.netmask);
  const net = ipToInt(c.network);
  for (const [name, addrs] of Object.entries(ifaces)) {
    if (!addrs || hostOnlyNames.includes(name) || /^vboxnet\d+$/.test(name)) continue;
    for (const a of addrs) {
      if (a.family !== 'IPv4' || a.internal) continue;
      if (((ipToInt(a.address) & mask) >>> 0) === net) return `${name} (${a.address})`;
    }
  }
  return undefined;
}
