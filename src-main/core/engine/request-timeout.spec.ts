// Docker API deadlines against real peers that do not answer: a unix socket that accepts and never says a word,
// and an HTTP server whose /events answers at once and then stays quiet for longer than the deadline.
import fs from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlotillaError } from '../../api/errors';
import { connectEngine } from './connect';
import { streamEngineEvents } from './events';
import { LONG_REQUEST_TIMEOUT_MS, REQUEST_TIMEOUT_MS, requestTimeoutFor } from './request-timeout';

describe('which requests get which deadline', () => {
  it.each([
    [{ path: '/info', method: 'GET' }, REQUEST_TIMEOUT_MS],
    [{ path: '/services/create', method: 'POST' }, REQUEST_TIMEOUT_MS],
    [{ path: '/v1.41/containers/json?all=1', method: 'GET' }, REQUEST_TIMEOUT_MS],
    [{ path: '/swarm/init', method: 'POST' }, LONG_REQUEST_TIMEOUT_MS],
    [{ path: '/swarm/join', method: 'POST' }, LONG_REQUEST_TIMEOUT_MS],
    [{ path: '/containers/abc/stop?t=30', method: 'POST' }, LONG_REQUEST_TIMEOUT_MS],
    [{ path: '/images/prune?', method: 'POST' }, LONG_REQUEST_TIMEOUT_MS],
    [{ path: '/services/s1/logs?', method: 'GET', isStream: false }, LONG_REQUEST_TIMEOUT_MS],
    [{ path: '/services/s1/logs?', method: 'GET', isStream: true }, undefined],
    [{ path: '/events?', method: 'GET', isStream: true }, undefined],
    [{ path: '/images/load?', method: 'POST', isStream: true }, undefined],
    [{ path: '/containers/abc/stats?', method: 'GET', isStream: true }, undefined],
    [{ path: '/exec/e1/start', method: 'POST', isStream: true, hijack: true }, undefined],
    [{ path: '/containers/abc/attach?', method: 'POST', isStream: true, openStdin: true }, undefined],
    [{ path: '/containers/abc/wait?', method: 'POST' }, undefined],
  ])('%j -> %s ms', (o, ms) => {
    expect(requestTimeoutFor(o)).toBe(ms);
  });
  it('0 turns deadlines off', () => expect(requestTimeoutFor({ path: '/info' }, 0)).toBeUndefined());
});

describe('against peers that do not answer', () => {
  let dir: string;
  let silent: net.Server;
  const held: net.Socket[] = [];
  let slowEvents: http.Server;
  let eventsPort = 0;
  let eventsHits = 0;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-timeout-'));
    silent = net.createServer((s) => {
      held.push(s); // accepted, read, never answered
      s.resume();
    });
    await new Promise<void>((r) => silent.listen(path.join(dir, 'docker.sock'), r));
    slowEvents = http.createServer((req, res) => {
      if (!req.url?.startsWith('/events')) return; // anything else: never answered
      eventsHits++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      // one event well after the request deadline, then the end of the stream
      setTimeout(() => res.end(JSON.stringify({ Type: 'container', Action: 'start', id: 'late' }) + '\n'), 1500);
    });
    await new Promise<void>((r) => slowEvents.listen(0, '127.0.0.1', r));
    eventsPort = (slowEvents.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const s of held) s.destroy();
    slowEvents.closeAllConnections();
    await new Promise((r) => silent.close(r));
    await new Promise((r) => slowEvents.close(r));
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a request to an engine that accepts and never answers fails with TIMEOUT naming the engine, the request and the fix, and leaves nothing open', async () => {
    const socketPath = path.join(dir, 'docker.sock');
    const conn = await connectEngine({ kind: 'unix', socketPath }, { requestTimeoutMs: 400 });
    try {
      const started = Date.now();
      const err = await conn.docker.info().then(
        () => undefined,
        (e: unknown) => e as FlotillaError,
      );
      expect(err).toBeInstanceOf(FlotillaError);
      expect(err?.code).toBe('TIMEOUT');
      expect(err?.message).toBe(`the Docker engine at unix://${socketPath} did not answer GET /info within 400 ms: check that dockerd there is running and not stuck (\`docker -H unix://${socketPath} info\`), or restart it`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
      expect(Date.now() - started).toBeLessThan(5000);
      await expect.poll(() => conn.openChannels()).toBe(0);
      expect(held.length).toBeGreaterThan(0); // the peer really took the connection
    } finally {
      await conn.close();
    }
  });

  it('a stream (/events) is not cut by the deadline: an event sent long after it still arrives', async () => {
    const conn = await connectEngine({ kind: 'tcp', host: '127.0.0.1', port: eventsPort }, { requestTimeoutMs: 300 });
    try {
      const got: Array<{ id?: string }> = [];
      const started = Date.now();
      await streamEngineEvents<{ id?: string }>(conn, undefined, new AbortController().signal, (e) => got.push(e));
      expect(eventsHits).toBe(1);
      expect(got).toEqual([{ Type: 'container', Action: 'start', id: 'late' }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400); // five deadlines long
      // and a plain request on the same engine still times out
      await expect(conn.docker.version()).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining(`tcp://127.0.0.1:${eventsPort} did not answer GET /version`) });
    } finally {
      await conn.close();
    }
  });

  it('the caller\'s own abort still wins over the deadline (not reported as a timeout)', async () => {
    const conn = await connectEngine({ kind: 'unix', socketPath: path.join(dir, 'docker.sock') }, { requestTimeoutMs: 5000 });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const info = conn.docker.info as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>;
      const err = await info.call(conn.docker, { abortSignal: ac.signal }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).toBeDefined();
      expect(err).not.toBeInstanceOf(FlotillaError);
      expect(err?.name).toBe('AbortError');
    } finally {
      await conn.close();
    }
  });
});
