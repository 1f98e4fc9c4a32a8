import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient, withQmp } from './qmp';

interface Fake {
  sock: string;
  received: string[];
  close(): Promise<void>;
}

/** A fake QMP server: greeting, then canned replies per command (and an event before some replies). */
async function fakeQmp(reply: (cmd: { execute: string; arguments?: unknown }) => string[] | null): Promise<Fake> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qmp-'));
  const sock = path.join(dir, 'qmp.sock');
  const received: string[] = [];
  const conns: net.Socket[] = [];
  const srv = net.createServer((c) => {
    conns.push(c);
    c.write('{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}}, "capabilities": ["oob"]}}\r\n');
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        received.push(line);
        const cmd = JSON.parse(line) as { execute: string; arguments?: unknown };
        const out = cmd.execute === 'qmp_capabilities' ? ['{"return": {}}'] : reply(cmd);
        if (out) for (const o of out) c.write(o + '\r\n');
      }
    });
  });
  await new Promise<void>((r) => srv.listen(sock, () => r()));
  return {
    sock,
    received,
    close: () =>
      new Promise<void>((r) => {
        for (const c of conns) c.destroy();
        srv.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          r();
        });
      }),
  };
}

let fake: Fake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('QmpClient', () => {
  it('negotiates capabilities and reads query-status, skipping events', async () => {
    fake = await fakeQmp((c) =>
      c.execute === 'query-status'
        ? ['{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"}', '{"return": {"status": "running", "singlestep": false, "running": true}}']
        : null,
    );
    const c = await QmpClient.connect(fake.sock);
    const s = await c.queryStatus();
    expect(s).toEqual({ running: true, status: 'running' });
    expect(c.events.map((e) => e.event)).toEqual(['RESUME']);
    c.close();
    expect(fake.received.map((l) => JSON.parse(l) as unknown)).toEqual([{ execute: 'qmp_capabilities' }, { execute: 'query-status' }]);
  });

  it('sends system_powerdown and turns a QMP error into an exception', async () => {
    fake = await fakeQmp((c) =>
      c.execute === 'system_powerdown' ? ['{"return": {}}'] : ['{"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}'],
    );
    await withQmp(fake.sock, async (c) => {
      await expect(c.execute('system_powerdown')).resolves.toEqual({});
      await expect(c.execute('nope')).rejects.toThrow(/QMP nope failed: The command nope has not been found/);
    });
  });

  it('times out when the server does not answer, and fails cleanly on a missing socket', async () => {
    fake = await fakeQmp(() => null);
    const c = await QmpClient.connect(fake.sock);
    await expect(c.execute('query-status', undefined, 300)).rejects.toThrow(/did not answer within 300 ms/);
    c.close();
    await expect(QmpClient.connect(path.join(os.tmpdir(), 'no-such-qmp.sock'))).rejects.toThrow(/cannot connect to QMP socket/);
  });

  it('rejects pending commands when the server closes the connection (quit)', async () => {
    fake = await fakeQmp((c) => {
      if (c.execute === 'quit') return ['{"return": {}}'];
      return null;
    });
    const c = await QmpClient.connect(fake.sock);
    await expect(c.execute('quit')).resolves.toEqual({});
    const pending = c.execute('query-status', undefined, 5000);
    await fake.close();
    fake = undefined;
    await expect(pending).rejects.toThrow(/closed|ECONNRESET|EPIPE/);
    c.close();
  });
});
