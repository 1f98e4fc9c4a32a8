// The IPC sender check: the contract over the in-process ipcMain/ipcRenderer stand-in, sent from our own page,
// from a frame that is gone (senderFrame null), from a foreign or file:// page and from a sub-frame.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../host';
import { createIpcPair } from '../../test/support/ipc-stand-in';
import { IPC, type InvokeReply } from '../api/bridge';
import { registerContractIpc } from './ipc';
import { createPreloadBridge } from './preload-bridge';
import { APP_ENTRY, APP_ORIGIN, isTrustedFrame, type FrameLike } from './trust';

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

function rig(frame: FrameLike | null) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-ipc-'));
  const host = createHost({ transport: 'electron', home });
  hosts.push(host);
  let connects = 0;
  const realConnect = host.dispatcher.connect.bind(host.dispatcher);
  host.dispatcher.connect = (send) => {
    connects++;
    return realConnect(send);
  };
  const pair = createIpcPair(frame);
  const refusals: string[] = [];
  const reg = registerContractIpc(pair.ipcMain, host.dispatcher, (f) => isTrustedFrame(APP_ORIGIN, f), (why) => refusals.push(why));
  const bridge = createPreloadBridge(pair.ipcRenderer);
  return { bridge, pair, reg, refusals, connects: () => connects };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('registerContractIpc: only our own page is answered', () => {
  it('answers the main frame of flotilla://app/', async () => {
    const r = rig({ url: APP_ENTRY, parent: null });
    expect(await r.bridge.invoke(1, 'system.echo', { text: 'hi' })).toEqual({ result: { text: 'hi' } });
    const events: unknown[] = [];
    r.bridge.subscribe(2, 'system.ticks', { intervalMs: 1, limit: 2 }, (m) => events.push(m));
    await until(() => events.length === 3);
    expect(events).toEqual([{ t: 'event', event: { n: 1 } }, { t: 'event', event: { n: 2 } }, { t: 'end' }]);
    expect(r.refusals).toEqual([]);
    expect(r.connects()).toBe(1);
  });

  const refused: Array<[string, FrameLike | null, string]> = [
    ['a null senderFrame', null, 'a frame that no longer exists'],
    ['a foreign page', { url: 'https://evil.example/', parent: null }, 'https://evil.example/'],
    ['a file:// page (a dropped file)', { url: 'file:///home/me/Downloads/evil.html', parent: null }, 'file:///home/me/Downloads/evil.html'],
    ['a data: page', { url: 'data:text/html,x', parent: null }, 'data:text/html,x'],
    ['a sub-frame of our own origin', { url: APP_ENTRY, parent: { url: APP_ENTRY } }, APP_ENTRY],
  ];
  it.each(refused)('refuses invoke, subscribe, cancel and dispose from %s', async (_name, frame, from) => {
    const r = rig(frame);
    const reply: InvokeReply = await r.bridge.invoke(1, 'system.echo', { text: 'hi' });
    expect(reply).toEqual({ error: { code: 'AUTH', message: `IPC from ${from} was refused: only Flotilla's own page may use the contract` } });
    const events: unknown[] = [];
    r.bridge.subscribe(2, 'system.ticks', { intervalMs: 1, limit: 2 }, (m) => events.push(m));
    r.pair.ipcRenderer.send(IPC.cancel, 1);
    r.pair.ipcRenderer.send(IPC.dispose, 2);
    await settle();
    expect(events).toEqual([]);
    // nothing reached the host: no connection was ever made for this sender
    expect(r.connects()).toBe(0);
    expect(r.reg.openCount()).toBe(0);
    expect(r.refusals).toHaveLength(4);
    for (const why of r.refusals) expect(why).toContain(`IPC from ${from} was refused`);
  });
});
