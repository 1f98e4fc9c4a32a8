// Lab addressing: node K of a lab gets host number 10+K in the lab's subnet (10.88.0.11, .12, ...).
import { FlotillaError } from '../../api/errors';

export const DEFAULT_LAB = 'flab';
export const DEFAULT_SUBNET = '10.88.0.0/24';
export const FIRST_HOST = 11;

export interface Cidr {
  base: number; // network address as an unsigned 32-bit integer
  prefix: number;
}

export function parseCidr(cidr: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || prefix < 8 || prefix > 28)
    throw new FlotillaError('BAD_INPUT', `invalid lab subnet "${cidr}": expected an IPv4 CIDR like 10.88.3.0/24 (prefix 8 to 28)`);
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((addr & mask) >>> 0 !== addr) throw new FlotillaError('BAD_INPUT', `invalid lab subnet "${cidr}": host bits are set (did you mean ${intToIp((addr & mask) >>> 0)}/${prefix}?)`);
  return { base: addr, prefix };
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Address of node `index` (1-based) in the subnet. */
export function nodeIp(cidr: string, index: number): string {
  const { base, prefix } = parseCidr(cidr);
  const size = 2 ** (32 - prefix);
  const host = FIRST_HOST + index - 1;
  if (index < 1 || host >= size - 1) throw new FlotillaError('BAD_INPUT', `lab subnet ${cidr} has no room for node ${index}: use a larger subnet or fewer nodes`);
  return intToIp(base + host);
}

export function maxNodes(cidr: string): number {
  const { prefix } = parseCidr(cidr);
  return 2 ** (32 - prefix) - 1 - FIRST_HOST;
}

/** Lab names become container, network and host names: keep them DNS- and docker-safe. */
export function checkLabName(name: string): string {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) throw new FlotillaError('BAD_INPUT', `invalid lab name "${name}": use 1-31 lowercase letters, digits or dashes, starting with a letter`);
  return name;
}

export function nodeName(lab: string, index: number): string {
  return `${lab}-n${index}`;
}

/** Node number from a node name (`flab-n3` -> 3), or undefined. */
export function nodeIndex(lab: string, name: string): number | undefined {
  const m = new RegExp(`^${lab}-n(\\d+)$`).exec(name);
  return m ? Number(m[1]) : undefined;
}
