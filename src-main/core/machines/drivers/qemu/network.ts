// The private network of a swarm: QEMU's `-netdev socket,mcast=GROUP:PORT,localaddr=127.0.0.1`, one UDP
// multicast group on the loopback interface per named network. Every VM joined to the group sees the
// others' Ethernet frames, so the VMs share one L2 segment (2377/7946/4789 and everything else) without
// root, taps or bridges. Addresses are static (from the seed's network-config), allocated per network
// in a small JSON registry, so a machine keeps its address across restarts.
// A lease is the registry entry (machine folder -> address): it lasts from create to rm, across VM restarts and
// Flotilla exits, so no lock or process holds it. The cross-process lock (<network>.json.lock) guards only each
// read-modify-write of the registry, a few milliseconds; a process killed inside one leaves a stale lock that the
// next lease takes over.
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FlotillaError } from '../../../../api/errors';
import { readJson, writeJsonAtomic } from '../../../fsutil';
import { withFileLock } from '../../../filelock';

export const DEFAULT_NETWORK = 'flotilla';
export const DEFAULT_SUBNET = '10.89.0.0/24';

export interface PrivateNetwork {
  name: string;
  subnet: string;
  mcastGroup: string;
  mcastPort: number;
  ip: string;
  prefix: number;
}

interface Registry {
  subnet: string;
  /** owner (machine folder) -> address */
  leases: Record<string, string>;
}

function hash(s: string): Buffer {
  return crypto.createHash('sha256').update(s).digest();
}

/** A stable multicast group and port per network name (239.x is the administratively scoped range). */
export function mcastFor(name: string): { group: string; port: number } {
  const h = hash(`flotilla-net:${name}`);
  return { group: `239.${h[0]! % 256}.${h[1]! % 256}.${(h[2]! % 254) + 1}`, port: 20000 + (h.readUInt16BE(3) % 20000) };
}

/** A locally administered unicast MAC (QEMU's 52:54:00 prefix), random per NIC. */
export function randomMac(): string {
  const b = crypto.randomBytes(3);
  return `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
}

function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new FlotillaError('BAD_INPUT', `"${ip}" is not an IPv4 address`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseSubnet(cidr: string): { base: number; prefix: number; size: number } {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) throw new FlotillaError('BAD_INPUT', `qemu-subnet "${cidr}" is not an IPv4 CIDR such as 10.89.0.0/24`);
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 29) throw new FlotillaError('BAD_INPUT', `qemu-subnet "${cidr}": use a prefix between /8 and /29`);
  const size = 2 ** (32 - prefix);
  const base = (ipToInt(m[1]!) & ~(size - 1)) >>> 0;
  return { base, prefix, size };
}

/** Lowest free host address from .11 on (like the lab), or `wanted` when it is free and inside the subnet. */
export function pickAddress(subnet: string, taken: string[], wanted?: string): string {
  const { base, size } = parseSubnet(subnet);
  const used = new Set(taken);
  if (wanted) {
    const n = ipToInt(wanted);
    if (n <= base || n >= base + size - 1) throw new FlotillaError('BAD_INPUT', `qemu-ip ${wanted} is not a host address in ${subnet}`);
    if (used.has(wanted)) throw new FlotillaError('CONFLICT', `qemu-ip ${wanted} is already used by another machine on this network: choose another`);
    return wanted;
  }
  const first = size > 16 ? 11 : 2;
  for (let i = first; i < size - 1; i++) {
    const ip = intToIp(base + i);
    if (!used.has(ip)) return ip;
  }
  throw new FlotillaError('CONFLICT', `no free address left in ${subnet}: remove machines or use a larger qemu-subnet`);
}

export class NetworkRegistry {
  constructor(private readonly dir: string) {}

  private file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  async lease(o: { name: string; subnet?: string; owner: string; ip?: string }): Promise<PrivateNetwork> {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/.test(o.name)) throw new FlotillaError('BAD_INPUT', `qemu-network "${o.name}" is not a valid network name: use letters, digits, dots, dashes`);
    return withFileLock(`${this.file(o.name)}.lock`, async () => {
      const reg = (await readJson<Registry>(this.file(o.name))) ?? { subnet: o.subnet ?? DEFAULT_SUBNET, leases: {} };
      if (o.subnet && Object.keys(reg.leases).length > 0 && o.subnet !== reg.subnet) {
        throw new FlotillaError('CONFLICT', `qemu network "${o.name}" uses subnet ${reg.subnet}, not ${o.subnet}: leave qemu-subnet out or choose another qemu-network`);
      }
      if (o.subnet && Object.keys(reg.leases).length === 0) reg.subnet = o.subnet;
      const existing = reg.leases[o.owner];
      const ip = existing ?? pickAddress(reg.subnet, Object.values(reg.leases), o.ip);
      reg.leases[o.owner] = ip;
      await writeJsonAtomic(this.file(o.name), reg);
      const m = mcastFor(o.name);
      return { name: o.name, subnet: reg.subnet, mcastGroup: m.group, mcastPort: m.port, ip, prefix: parseSubnet(reg.subnet).prefix };
    }, 30_000);
  }

  /** Gives up every address `owner` holds, on any network (an interrupted create recorded no network name). */
  async releaseOwner(owner: string): Promise<void> {
    let files: string[];
    try {
      files = await fsp.readdir(this.dir);
    } catch {
      return; // no network was ever leased
    }
    for (const f of files) {
      const name = f.endsWith('.json') ? f.slice(0, -'.json'.length) : '';
      if (!name) continue;
      const reg = await readJson<Registry>(this.file(name)).catch(() => undefined);
      if (reg && owner in reg.leases) await this.release(name, owner);
    }
  }

  async release(name: string, owner: string): Promise<void> {
    await withFileLock(`${this.file(name)}.lock`, async () => {
      const reg = await readJson<Registry>(this.file(name));
      if (!reg || !(owner in reg.leases)) return;
      delete reg.leases[owner];
      if (Object.keys(reg.leases).length === 0) await fsp.rm(this.file(name), { force: true });
      else await writeJsonAtomic(this.file(name), reg);
    }, 30_000);
  }
}
