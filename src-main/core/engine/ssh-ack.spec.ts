// Prompt ACKs (ssh-ack.ts) on a real TCP connection: the "client" socket stands where ssh2's is, a spy stands for
// ssh2's protocol object (what it sends is not the point here; when it is asked to send is). The lab's engine-ssh
// test runs it against OpenSSH.
import net, { type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from 'ssh2';
import { isOpenSsh, promptAcks } from './ssh-ack';

describe('which servers get prompt ACKs', () => {
  it.each([
    ['OpenSSH_9.2p1 Debian-2+deb12u3', true],
    ['OpenSSH_7.4', true],
    ['dropbear_2022.83', false],
    ['Go', false],
    ['', false],
    [undefined, false],
  ])('%s -> %s', (v, yes) => expect(isOpenSsh(v)).toBe(yes));
});

describe('promptAcks', () => {
  let server: net.Server;
  let peer: net.Socket;
  let sock: net.Socket;
  let asked: number;
  const client = (remoteVer: string): Client => ({ _remoteVer: remoteVer, _sock: sock, _protocol: { requestFailure: () => void asked++ } }) as unknown as Client;
  const arrive = (bytes: number): Promise<void> =>
    new Promise((resolve) => {
      sock.once('data', () => resolve());
      peer.write(Buffer.alloc(bytes, 1));
    });
  const turns = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

  beforeEach(async () => {
    asked = 0;
    server = net.createServer();
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    sock = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    sock.setNoDelay(true);
    peer = await accepted;
    peer.setNoDelay(true);
  });
  afterEach(async () => {
    sock.destroy();
    peer.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('answers a small read that nothing else answered, once', async () => {
    const acks = promptAcks(client('OpenSSH_9.2p1'));
    expect(acks.active).toBe(true);
    await arrive(36);
    await turns();
    expect(asked).toBe(1);
    expect(acks.nudges()).toBe(1);
    acks.stop();
    await arrive(36);
    await turns();
    expect(asked).toBe(1);
  });

  it('stays quiet when this side sent something after the data (that carried the ACK)', async () => {
    promptAcks(client('OpenSSH_9.2p1'));
    const got = arrive(36);
    sock.once('data', () => sock.write('x'));
    await got;
    await turns();
    expect(asked).toBe(0);
  });

  it('leaves bulk reads to the kernel', async () => {
    promptAcks(client('OpenSSH_9.2p1'));
    sock.once('data', (d: Buffer) => expect(d.length).toBeGreaterThanOrEqual(16 * 1024));
    await arrive(64 * 1024);
    await turns();
    expect(asked).toBe(0);
  });

  it('is off for a server that is not OpenSSH, and without the ssh2 internals it needs', async () => {
    expect(promptAcks(client('dropbear_2022.83')).active).toBe(false);
    expect(promptAcks({ _remoteVer: 'OpenSSH_9.2p1', _sock: sock } as unknown as Client).active).toBe(false);
    expect(promptAcks({ _remoteVer: 'OpenSSH_9.2p1', _protocol: { requestFailure: () => undefined } } as unknown as Client).active).toBe(false);
    await arrive(36);
    await turns();
    expect(asked).toBe(0);
  });
});
