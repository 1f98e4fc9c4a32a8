// Browser mode's trust boundary, probed with raw HTTP and WebSocket clients against the real server
// (in-process, port 0): foreign Host, foreign Origin, cookie only, malformed paths and frames, a client
// that stops reading. The page's own route (token subprotocol) is the one that must keep working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createHost, type Host } from '../../src-main/host';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { allowedHostnames, parseHostHeader, PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../src-main/server/guard';
import * as page from '../../src-renderer/api/token';
import { createClient } from '../../src-renderer/api/client';
import { createWebSocketTransport, type WebSocketLike } from '../../src-renderer/api/ws-transport';
import { FlotillaError } from '../../src-main/api/errors';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function rendererDir(): string {
  const dir = tmp('flotilla-renderer-');
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Flotilla</title><div id="root"></div>');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  return dir;
}

/** An HTTP request with exactly these headers (Host included), through node:http. */
function get(port: number, target: string, headers: Record<string, string>, method = 'GET', address = '127.0.0.1'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: address, port, path: target, method, headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Bytes straight onto the socket (paths node:http would refuse to send); resolves with the status code. */
function raw(port: number, text: string): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let data = '';
    s.setEncoding('latin1');
    s.on('data', (c: string) => {
      data += c;
      if (data.includes('\r\n\r\n')) s.destroy();
    });
    s.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), head: data.split('\r\n\r\n')[0] ?? '' }));
    s.on('error', reject);
  });
}

interface WsOpts {
  path?: string;
  protocols?: string[];
  headers?: Record<string, string>;
  origin?: string;
}

/** 101 and the chosen subprotocol when the upgrade succeeds, else the refusal's status. */
function upgrade(port: number, o: WsOpts = {}): Promise<{ status: number; protocol?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${o.path ?? '/ws'}`, o.protocols ?? [], { headers: o.headers, origin: o.origin });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('open', () => {
      resolve({ status: 101, protocol: ws.protocol });
      ws.close();
    });
    ws.on('error', reject);
  });
}

function pageProtocols(token: string): string[] {
  const p = page.tokenProtocols(token);
  if (!p) throw new Error(`not a token: ${token}`);
  return p;
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('browser mode: who may talk to the server', () => {
  let host: Host;
  let server: RunningServer;
  let port: number;
  let self: string;
  const logged: string[] = [];

  beforeAll(async () => {
    host = createHost({ transport: 'websocket', home: tmp('flotilla-trust-') });
    server = await startServer({ host, port: 0, rendererDir: rendererDir(), log: (l, level) => logged.push(`${level} ${l}`), maxBufferedBytes: 512 * 1024 });
    port = server.port;
    self = `127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server.close();
    await host.close();
  });

  /** the server still answers HTTP and the contract after whatever a test threw at it */
  async function stillServing(): Promise<void> {
    expect((await get(port, '/', { host: self })).status).toBe(200);
    const ws = new WebSocket(`ws://${self}/ws`, pageProtocols(server.token));
    const api = createClient(createWebSocketTransport(ws as unknown as WebSocketLike));
    expect(await api.invoke('system.echo', { text: 'still here' })).toEqual({ text: 'still here' });
    ws.close();
  }

  it('the page and the server agree on the subprotocol names', () => {
    expect(page.PROTOCOL).toBe(PROTOCOL);
    expect(page.TOKEN_PROTOCOL_PREFIX).toBe(TOKEN_PROTOCOL_PREFIX);
  });

  it('serves the page (public files, no token needed) with its security headers and no cookie', async () => {
    for (const target of ['/', `/?token=${server.token}`, '/assets/app.js']) {
      const r = await get(port, target, { host: self });
      expect(r.status, target).toBe(200);
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const html = await get(port, '/', { host: self });
    expect(html.body).toContain('<div id="root">');
    // the page may open a WebSocket to this server only ('self' covers the same-origin ws:)
    expect(html.headers['content-security-policy']).toContain("connect-src 'self';");
    expect(html.headers['content-security-policy']).not.toMatch(/connect-src[^;]*ws:/);
  });

  it('refuses a stale token in the address bar with 401', async () => {
    const r = await get(port, '/?token=wrong', { host: self });
    expect(r.status).toBe(401);
    expect(r.body).toContain('flotilla serve');
  });

  it('refuses a foreign or missing Host with 403, on HTTP and on the WebSocket even with the token', async () => {
    for (const h of ['evil.example', `evil.example:${port}`, `[::1]:${port}`, `127.0.0.1.nip.io:${port}`, `0.0.0.0:${port}`, 'a b', `127.0.0.1:${port}@evil`]) {
      const r = await get(port, '/', { host: h });
      expect(r.status, h).toBe(403);
      expect(r.headers['referrer-policy'], h).toBe('no-referrer');
      expect((await upgrade(port, { protocols: pageProtocols(server.token), headers: { host: h } })).status, h).toBe(403);
    }
    expect((await raw(port, 'GET / HTTP/1.0\r\n\r\n')).status).toBe(403);
    expect(logged.some((l) => l.startsWith('info refused GET') && l.includes('Host "evil.example" is not an address this server listens on'))).toBe(true);
    // the names of loopback itself pass
    expect((await get(port, '/', { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(port, '/', { host: `LOCALHOST:${port}` })).status).toBe(200);
    expect((await upgrade(port, { protocols: pageProtocols(server.token), headers: { host: `localhost:${port}` } })).status).toBe(101);
  });

  it('accepts its own name on another port (an ssh -L tunnel, a proxy) when Origin says the same', async () => {
    const tunnel = '127.0.0.1:8000';
    expect((await get(port, '/', { host: tunnel, origin: `http://${tunnel}` })).status).toBe(200);
    expect((await get(port, '/', { host: 'localhost' })).status).toBe(200);
    expect((await upgrade(port, { protocols: pageProtocols(server.token), headers: { host: tunnel }, origin: `http://${tunnel}` })).status).toBe(101);
    // the page on the far end of the tunnel is still not the page on another local port
    expect((await upgrade(port, { protocols: pageProtocols(server.token), headers: { host: tunnel }, origin: `http://127.0.0.1:8080` })).status).toBe(403);
  });

  it('refuses a foreign Origin with 403, on HTTP and on the WebSocket even with the token', async () => {
    for (const origin of ['http://127.0.0.1:8080', 'http://evil.example', 'null', `http://localhost:${port}`, `ws://${self}`]) {
      expect((await get(port, '/', { host: self, origin })).status, origin).toBe(403);
      expect((await upgrade(port, { protocols: pageProtocols(server.token), origin })).status, origin).toBe(403);
    }
    expect((await upgrade(port, { protocols: pageProtocols(server.token), origin: `http://${self}` })).status).toBe(101);
    expect((await get(port, '/', { host: self, origin: `http://${self}` })).status).toBe(200);
  });

  it('refuses loads another port or site starts (Sec-Fetch-Site), but not a link followed to the page', async () => {
    const noCors = { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' };
    expect((await get(port, '/assets/app.js', { host: self, 'sec-fetch-site': 'same-site', ...noCors })).status).toBe(403);
    expect((await get(port, '/assets/app.js', { host: self, 'sec-fetch-site': 'cross-site', ...noCors })).status).toBe(403);
    expect((await get(port, '/assets/app.js', { host: self, 'sec-fetch-site': 'same-origin', ...noCors })).status).toBe(200);
    const nav = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    expect((await get(port, '/', { host: self, 'sec-fetch-site': 'cross-site', ...nav })).status).toBe(200);
    expect((await get(port, '/', { host: self, 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' })).status).toBe(403);
  });

  it('takes the token from the page subprotocol or ?token=, answers flotilla.v1 and never echoes the token', async () => {
    const ok = await upgrade(port, { protocols: pageProtocols(server.token), origin: `http://${self}` });
    expect(ok).toEqual({ status: 101, protocol: PROTOCOL });
    expect((await upgrade(port, { path: `/ws?token=${server.token}` })).status).toBe(101);
    expect((await upgrade(port, { protocols: pageProtocols('wrong') })).status).toBe(401);
    expect((await upgrade(port, { protocols: [PROTOCOL] })).status).toBe(401);
    expect((await upgrade(port, { path: `/ws2?token=${server.token}` })).status).toBe(404);
  });

  it('a cookie is no credential: the token in any cookie opens nothing', async () => {
    const cookie = `flotilla_token=${server.token}; flotilla_token_${port}=${server.token}; token=${server.token}`;
    expect((await upgrade(port, { headers: { cookie }, origin: `http://${self}` })).status).toBe(401);
    expect((await upgrade(port, { headers: { cookie } })).status).toBe(401);
  });

  it('answers malformed paths and methods with 400 or 405 and keeps serving', async () => {
    const bad = ['/%E0%A4%A', '/%', '/%00', '/assets/%E0%A4%A?token=x', '/..%2F..%2Fetc%2Fpasswd%00'];
    for (const p of bad) {
      const r = await raw(port, `GET ${p} HTTP/1.1\r\nHost: ${self}\r\n\r\n`);
      expect(r.status, p).toBe(400);
      expect(r.head.toLowerCase(), p).toContain('x-content-type-options: nosniff');
    }
    expect((await raw(port, `GET http://evil.example/ HTTP/1.1\r\nHost: ${self}\r\n\r\n`)).status).toBe(400);
    expect((await raw(port, `GET //evil.example/ HTTP/1.1\r\nHost: ${self}\r\n\r\n`)).status).toBe(400);
    expect((await raw(port, 'NONSENSE\r\n\r\n')).status).toBe(400);
    expect((await raw(port, `GET /../../../etc/passwd HTTP/1.1\r\nHost: ${self}\r\n\r\n`)).status).toBe(403);
    expect((await raw(port, `GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: ${self}\r\n\r\n`)).status).toBe(403);
    const ws = await raw(
      port,
      `GET /%E0%A4%A HTTP/1.1\r\nHost: ${self}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    expect(ws.status).toBe(400);
    expect((await get(port, '/', { host: self }, 'POST')).status).toBe(405);
    await stillServing();
  });

  it('a bad frame closes that connection only', async () => {
    const ws = new WebSocket(`ws://${self}/ws`, pageProtocols(server.token));
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(Buffer.from([0xc3, 0x28]), { binary: false }); // a text frame that is not UTF-8
    expect(await closed).toBe(1007);
    expect(logged.some((l) => l.startsWith('warn connection') && l.includes('closed on a bad frame'))).toBe(true);
    await stillServing();
  });

  it('cuts off a client that stops reading once its unsent replies pass the limit, and logs it', async () => {
    const ws = new WebSocket(`ws://${self}/ws`, pageProtocols(server.token));
    await new Promise((r) => ws.once('open', r));
    await until(() => server.connections() === 1);
    ws.pause(); // stop reading: the replies pile up in the kernel, then in the server
    const text = 'x'.repeat(10_000);
    // the kernel buffers a few MiB of loopback first; 3000 replies of 10 kB are far more than that plus the limit
    for (let id = 1; id <= 3000 && server.connections() > 0; id++) {
      ws.send(JSON.stringify({ t: 'invoke', id, method: 'system.echo', params: { text } }));
      if (id % 100 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => server.connections() === 0);
    const line = logged.find((l) => l.includes('stopped reading'));
    expect(line).toMatch(/^warn client 127\.0\.0\.1:\d+ stopped reading: \d+\.\d MiB waiting to be sent \(limit 0\.5 MiB\); closing its connection$/);
    ws.terminate();
    await stillServing();
  });

  it('a page with a wrong token fails every call at once with a message that names the fix', async () => {
    const ws = new WebSocket(`ws://${self}/ws`, pageProtocols('stale'));
    ws.on('error', () => undefined);
    const api = createClient(createWebSocketTransport(ws as unknown as WebSocketLike));
    const first = await api.invoke('system.echo', { text: 'a' }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(FlotillaError);
    expect((first as FlotillaError).message).toContain('open the URL that `flotilla serve` printed');
    // after the close, later calls fail too instead of waiting forever
    const later = await api.invoke('system.echo', { text: 'b' }).catch((e: unknown) => e);
    expect((later as FlotillaError).code).toBe('UNREACHABLE');
  });
});

describe('browser mode: the Host allow-list', () => {
  it('parses Host headers, IPv6 in brackets', () => {
    expect(parseHostHeader('127.0.0.1:7370')).toEqual({ name: '127.0.0.1', port: 7370 });
    expect(parseHostHeader('[::1]:7370')).toEqual({ name: '::1', port: 7370 });
    expect(parseHostHeader('Example.LAN')).toEqual({ name: 'example.lan', port: undefined });
    for (const bad of ['::1:7370', '[zz]:1', 'a b', 'x:1:2', '', 'user@host:1']) expect(parseHostHeader(bad), bad).toBeUndefined();
  });

  it('allows the listen address, localhost on loopback, every interface address on a wildcard, and --allow-host names', () => {
    expect([...allowedHostnames('127.0.0.1')].sort()).toEqual(['127.0.0.1', 'localhost']);
    expect([...allowedHostnames('::1')].sort()).toEqual(['::1', 'localhost']);
    expect([...allowedHostnames('localhost')].sort()).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect([...allowedHostnames('192.0.2.7', ['Flotilla.LAN'])].sort()).toEqual(['192.0.2.7', 'flotilla.lan']);
    const v4 = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a?.family === 'IPv4')
      .map((a) => a!.address);
    expect(v4.length).toBeGreaterThan(0);
    const any4 = allowedHostnames('0.0.0.0');
    for (const a of v4) expect(any4.has(a), a).toBe(true);
    expect([...any4].some((a) => a.includes(':'))).toBe(false);
    expect(allowedHostnames('::').has('::1') || !Object.values(os.networkInterfaces()).flat().some((a) => a?.address === '::1')).toBe(true);
  });

  it('on 0.0.0.0 answers the machine address a user connects with, and still refuses other names', async () => {
    const host = createHost({ transport: 'websocket', home: tmp('flotilla-trust-any-') });
    const server = await startServer({ host, port: 0, listen: '0.0.0.0', rendererDir: rendererDir(), log: () => undefined });
    try {
      expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=`));
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
      const addresses = ['127.0.0.1', ...(external ? [external] : [])];
      for (const a of addresses) expect((await get(server.port, '/', { host: `${a}:${server.port}` }, 'GET', a)).status, a).toBe(200);
      expect((await get(server.port, '/', { host: `evil.example:${server.port}` })).status).toBe(403);
      expect((await get(server.port, '/', { host: `0.0.0.0:${server.port}` })).status).toBe(403);
    } finally {
      await server.close();
      await host.close();
    }
  });

  it('on [::1] answers the bracketed address and prints it in the URL', async () => {
    const probe = net.createServer();
    const v6 = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => probe.close(() => resolve(true)));
    });
    // containers without an IPv6 loopback cannot bind ::1 at all; there is nothing to test there
    if (!v6) return;
    const host = createHost({ transport: 'websocket', home: tmp('flotilla-trust-v6-') });
    const server = await startServer({ host, port: 0, listen: '::1', rendererDir: rendererDir(), log: () => undefined });
    try {
      expect(server.url).toMatch(new RegExp(`^http://\\[::1\\]:${server.port}/\\?token=`));
      expect((await get(server.port, '/', { host: `[::1]:${server.port}` }, 'GET', '::1')).status).toBe(200);
      expect((await get(server.port, '/', { host: `localhost:${server.port}` }, 'GET', '::1')).status).toBe(200);
      expect((await get(server.port, '/', { host: `127.0.0.1:${server.port}` }, 'GET', '::1')).status).toBe(403);
    } finally {
      await server.close();
      await host.close();
    }
  });
});
