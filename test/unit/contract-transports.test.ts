// One contract suite, run against both transports: the WebSocket of browser mode (for real, over
// loopback) and Electron IPC (through an in-process stand-in for ipcMain/ipcRenderer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createHost, type Host } from '../../src-main/host';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { registerContractIpc } from '../../src-main/electron/ipc';
import { createPreloadBridge } from '../../src-main/electron/preload-bridge';
import { APP_ORIGIN, isTrustedFrame } from '../../src-main/electron/trust';
import { createClient, type FlotillaApi } from '../../src-renderer/api/client';
import { createWebSocketTransport, type WebSocketLike } from '../../src-renderer/api/ws-transport';
import { createBridgeTransport } from '../../src-renderer/api/bridge-transport';
import { tokenProtocols } from '../../src-renderer/api/token';
import { FlotillaError } from '../../src-main/api/errors';
import { createIpcPair } from '../support/ipc-stand-in';

interface Rig {
  api: FlotillaApi;
  host: Host;
  /** invokes and streams the host still runs for this client */
  open(): number;
  close(): Promise<void>;
}

function tmpHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-contract-'));
}

async function websocketRig(): Promise<Rig & { server: RunningServer }> {
  const host = createHost({ transport: 'websocket', home: tmpHome() });
  const renderer = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-renderer-'));
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Flotilla</title>');
  let conns = 0;
  const realConnect = host.dispatcher.connect.bind(host.dispatcher);
  const tracked: Array<{ open: number }> = [];
  host.dispatcher.connect = (send) => {
    conns++;
    const c = realConnect(send);
    tracked.push(c);
    return c;
  };
  const server = await startServer({ host, port: 0, rendererDir: renderer });
  // as the page connects: the token in a subprotocol (see src-renderer/api/token.ts)
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, tokenProtocols(server.token));
  const api = createClient(createWebSocketTransport(ws as unknown as WebSocketLike));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  expect(conns).toBe(1);
  return {
    api,
    host,
    server,
    open: () => tracked.reduce((n, c) => n + c.open, 0),
    close: async () => {
      ws.close();
      await server.close();
      await host.close();
    },
  };
}

async function electronRig(): Promise<Rig> {
  const host = createHost({ transport: 'electron', home: tmpHome() });
  const pair = createIpcPair();
  const reg = registerContractIpc(pair.ipcMain, host.dispatcher, (frame) => isTrustedFrame(APP_ORIGIN, frame));
  const api = createClient(createBridgeTransport(createPreloadBridge(pair.ipcRenderer)));
  return {
    api,
    host,
    open: () => reg.openCount(),
    close: async () => {
      pair.destroy();
      await host.close();
    },
  };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const [name, makeRig] of [
  ['websocket', websocketRig],
  ['electron ipc (stand-in)', electronRig],
] as const) {
  describe(`contract over ${name}`, () => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await makeRig();
    });
    afterAll(async () => {
      await rig.close();
    });

    it('answers a request with validated output', async () => {
      expect(await rig.api.invoke('system.echo', { text: 'héllo ✓' })).toEqual({ text: 'héllo ✓' });
      const info = await rig.api.invoke('system.info', {});
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('rejects input that does not match the schema, naming the field', async () => {
      const err = await rig.api.invoke('system.sleep', { ms: -5 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlotillaError);
      expect((err as FlotillaError).code).toBe('BAD_INPUT');
      expect((err as FlotillaError).message).toContain('ms');
      const extra = await rig.api.invoke('system.echo', { text: 'x', evil: true } as never).catch((e: unknown) => e);
      expect((extra as FlotillaError).code).toBe('BAD_INPUT');
    });

    it('rebuilds errors as FlotillaError with their code', async () => {
      const err = await rig.api.invoke('engines.info' as 'system.echo', { text: 'x' } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlotillaError);
      expect((err as FlotillaError).code).toBe('BAD_INPUT');
    });

    it('cancels a long operation and frees it on the host', async () => {
      const ac = new AbortController();
      const p = rig.api.invoke('system.sleep', { ms: 60_000 }, { signal: ac.signal });
      await until(() => rig.open() === 1);
      ac.abort();
      const err = await p.catch((e: unknown) => e);
      expect((err as FlotillaError).code).toBe('CANCELLED');
      await until(() => rig.open() === 0);
    });

    it('streams events until disposed, then stops them on the host', async () => {
      const seen: number[] = [];
      const dispose = rig.api.subscribe('system.ticks', { intervalMs: 5 }, { onEvent: (e) => seen.push(e.n) });
      await until(() => seen.length >= 3);
      expect(seen.slice(0, 3)).toEqual([1, 2, 3]);
      expect(rig.open()).toBe(1);
      dispose();
      await until(() => rig.open() === 0);
      const count = seen.length;
      await new Promise((r) => setTimeout(r, 50));
      expect(seen.length).toBe(count);
    });

    it('ends a finite stream with onEnd', async () => {
      const seen: number[] = [];
      await new Promise<void>((resolve, reject) => {
        rig.api.subscribe('system.ticks', { intervalMs: 1, limit: 4 }, { onEvent: (e) => seen.push(e.n), onEnd: resolve, onError: reject });
      });
      expect(seen).toEqual([1, 2, 3, 4]);
    });

    it('reports a stream error as FlotillaError', async () => {
      const err = await new Promise<FlotillaError>((resolve) => {
        rig.api.subscribe('system.ticks', { intervalMs: 0 }, { onEvent: () => undefined, onError: resolve });
      });
      expect(err.code).toBe('BAD_INPUT');
    });

    it('delivers broadcasts to the client', async () => {
      const got = new Promise<{ reason: string }>((resolve) => {
        const off = rig.api.onBroadcast('engines.changed', (p) => {
          off();
          resolve(p);
        });
      });
      rig.host.dispatcher.broadcast('engines.changed', { reason: 'test' });
      expect(await got).toEqual({ reason: 'test' });
    });
  });
}

describe('browser mode access control', () => {
  let rig: Awaited<ReturnType<typeof websocketRig>>;
  beforeAll(async () => {
    rig = await websocketRig();
  });
  afterAll(async () => {
    await rig.close();
  });

  it('prints a URL on 127.0.0.1 with the token', () => {
    expect(rig.server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${rig.server.port}/\\?token=[A-Za-z0-9_-]{20,}$`));
  });

  it('serves the page, refuses a wrong token in its address with 401', async () => {
    const base = `http://127.0.0.1:${rig.server.port}`;
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
    const ok = await fetch(`${base}/?token=${rig.server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await ok.text()).toContain('Flotilla');
  });

  it('refuses a WebSocket without the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${rig.server.port}/ws`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });

  it('answers malformed frames without crashing and keeps serving', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${rig.server.port}/ws?token=${rig.server.token}`);
    await new Promise((r) => ws.once('open', r));
    const reply = new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    ws.send('not json');
    ws.send(JSON.stringify({ t: 'invoke', id: 7, method: 42 }));
    expect(await reply).toMatchObject({ t: 'error', id: 7, error: { code: 'BAD_INPUT' } });
    ws.close();
    expect(await rig.api.invoke('system.echo', { text: 'still here' })).toEqual({ text: 'still here' });
  });
});
