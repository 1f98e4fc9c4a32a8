// Who may talk to browser mode, decided per request before anything else runs: the Host header must
// name an address the server listens on (DNS rebinding), Origin (when a browser sends one) must be the
// server's own origin, and Sec-Fetch-Site must not say another site or port asked. See SECURITY.md.
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';

export const TOKEN_PROTOCOL_PREFIX = 'flotilla.token.';
export const PROTOCOL = 'flotilla.v1';

export type Verdict = { ok: true } | { ok: false; status: 400 | 403; reason: string };

function isWildcard(listen: string): boolean {
  return listen === '0.0.0.0' || listen === '::';
}

/**
 * Lower-case names and addresses (IPv6 without brackets or zone) a Host header may carry: the address the
 * server listens on; every interface address for a wildcard; "localhost" when that is loopback (browsers
 * resolve it to loopback themselves, so no DNS answer can rebind it); and the user's --allow-host names.
 */
export function allowedHostnames(listen: string, extra: readonly string[] = []): Set<string> {
  const out = new Set<string>(extra.map((h) => h.toLowerCase()));
  if (isWildcard(listen)) {
    // read per request: a wildcard server answers on addresses that come and go (DHCP, VPN)
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) {
        if (listen === '0.0.0.0' && a.family !== 'IPv4') continue;
        out.add(a.address.toLowerCase().replace(/%.*$/, ''));
      }
    }
    out.add('localhost');
    return out;
  }
  const name = listen.toLowerCase();
  out.add(name);
  // "localhost" binds whichever loopback address it resolves to first
  if (name === 'localhost') ['127.0.0.1', '::1'].forEach((a) => out.add(a));
  if (name === '::1' || name.startsWith('127.')) out.add('localhost');
  return out;
}

/** "[::1]:7370" -> {name: "::1", port: 7370}; undefined when it is not a host[:port]. */
export function parseHostHeader(value: string): { name: string; port?: number } | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return undefined;
  const name = (m[1] ?? m[2] ?? '').toLowerCase();
  if (m[1] !== undefined && net.isIPv6(name) === false) return undefined;
  return { name, port: m[3] === undefined ? undefined : Number(m[3]) };
}

export interface GuardConfig {
  listen: string;
  /** names the user allowed with --allow-host (a DNS name, a reverse proxy) */
  allowHosts: readonly string[];
}

/** Host, Origin and Sec-Fetch-Site checks shared by HTTP requests and the WebSocket upgrade. */
export function checkRequest(req: http.IncomingMessage, cfg: GuardConfig): Verdict {
  const rawUrl = req.url ?? '';
  // absolute-form targets ("GET http://x/ HTTP/1.1") are for proxies; we are none
  if (!rawUrl.startsWith('/') || rawUrl.startsWith('//')) return { ok: false, status: 400, reason: 'the request path must start with a single /' };

  const hostHeader = req.headers.host;
  const host = hostHeader === undefined ? undefined : parseHostHeader(hostHeader);
  if (!host) return { ok: false, status: 403, reason: 'the Host header is missing or malformed' };
  // the name is what DNS rebinding forges; the port may differ (ssh -L 8000:127.0.0.1:7370, a proxy on 443):
  // Origin must still equal this Host exactly, which keeps a page on another local port out
  if (!allowedHostnames(cfg.listen, cfg.allowHosts).has(host.name)) {
    return { ok: false, status: 403, reason: `Host "${hostHeader}" is not an address this server listens on (add a name with --allow-host)` };
  }
  const self = (hostHeader ?? '').trim().toLowerCase();

  const origin = req.headers.origin;
  // https too: the same host:port can only be this server, reached through a TLS-terminating proxy
  if (origin !== undefined && origin.toLowerCase() !== `http://${self}` && origin.toLowerCase() !== `https://${self}`) {
    return { ok: false, status: 403, reason: `Origin "${origin.slice(0, 200)}" is not this server's own origin` };
  }

  // Browsers leave Origin off plain GETs (script and image loads); Sec-Fetch-Site still says who asked.
  // A page on another port of this host is "same-site", so only same-origin and typed URLs ("none") pass,
  // plus top-level navigations: they show our page in our origin and hand nothing back to the linker.
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    const navigation = req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document';
    if (!navigation) return { ok: false, status: 403, reason: `a request from another site or port (Sec-Fetch-Site: ${site})` };
  }
  return { ok: true };
}

/** The decoded path of a request target, or undefined when it is not valid percent-encoding or holds a NUL. */
export function decodePath(rawUrl: string): string | undefined {
  const q = rawUrl.indexOf('?');
  const raw = q === -1 ? rawUrl : rawUrl.slice(0, q);
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return decoded.includes('\0') ? undefined : decoded;
}

/** The token a WebSocket upgrade offers: the `flotilla.token.<token>` subprotocol (the page), or ?token= (scripts). */
export function upgradeToken(req: http.IncomingMessage): string | undefined {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
  const fromProtocol = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  if (fromProtocol) return fromProtocol.slice(TOKEN_PROTOCOL_PREFIX.length);
  return queryToken(req.url ?? '');
}

export function queryToken(rawUrl: string): string | undefined {
  const q = rawUrl.indexOf('?');
  if (q === -1) return undefined;
  try {
    return new URLSearchParams(rawUrl.slice(q + 1)).get('token') ?? undefined;
  } catch {
    return undefined;
  }
}
