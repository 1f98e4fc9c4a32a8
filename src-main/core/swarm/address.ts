// Choosing the address a swarm node advertises: one its peers can reach.
import os from 'node:os';
import net from 'node:net';
import type { EngineConnection } from '../engine';

/** The host an engine connection dials (tcp/ssh), if it is an IP address peers could use too. */
export function dialledHost(conn: EngineConnection): string | undefined {
  const t = conn.target;
  if ((t.kind === 'tcp' || t.kind === 'ssh') && net.isIP(t.host) && !isLoopback(t.host)) return t.host;
  return undefined;
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
}

/** Number of leading bits two IPv4 addresses share (0..32). */
export function sharedPrefix(a: string, b: string): number {
  if (!net.isIPv4(a) || !net.isIPv4(b)) return 0;
  const x = (ipv4ToInt(a) ^ ipv4ToInt(b)) >>> 0;
  return x === 0 ? 32 : Math.clz32(x);
}

/**
 * Picks, among `candidates`, the address closest (longest shared prefix) to the peers' addresses,
 * skipping loopback and Docker's own bridges (172.17/16 docker0, docker_gwbridge).
 */
export function chooseAdvertiseAddr(candidates: string[], peers: string[]): string | undefined {
  const usable = candidates.filter((c) => net.isIPv4(c) && !isLoopback(c) && !c.startsWith('172.17.') && !c.startsWith('172.18.'));
  const pool = usable.length ? usable : candidates.filter((c) => !isLoopback(c));
  if (pool.length === 0) return undefined;
  if (peers.length === 0) return pool[0];
  let best = pool[0];
  let bestScore = -1;
  for (const c of pool) {
    const score = Math.max(...peers.map((p) => sharedPrefix(c, p)));
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** This machine's IPv4 addresses (used when the engine is reached through a local socket). */
export function localAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => Boolean(i) && i!.family === 'IPv4' && !i!.internal)
    .map((i) => i.address);
}

/**
 * The advertise address for a node: the given one, else the address we dial it at, else the best local
 * address (local socket: the engine runs here) relative to the peers.
 */
export function advertiseAddrFor(conn: EngineConnection, given: string | undefined, peers: string[]): string | undefined {
  if (given) return given;
  const dialled = dialledHost(conn);
  if (dialled) return dialled;
  if (conn.target.kind === 'unix' || conn.target.kind === 'npipe') return chooseAdvertiseAddr(localAddresses(), peers);
  return undefined;
}
