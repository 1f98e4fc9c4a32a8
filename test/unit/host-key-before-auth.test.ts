// Host keys are checked during key exchange, before any authentication: a real ssh2 server on 127.0.0.1
// presents a host key other than the pinned one, and neither SSH client Flotilla has (machines' SshSession,
// the engines' shared tunnel, the VM drivers' first-boot command) sends it a single authentication request. With the right key pinned, the same
// server sees the client authenticate, so the count is one that can move.
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireTunnel, releaseTunnel } from '../../src-main/core/engine/ssh';
import { sshExec, waitFirstBoot } from '../../src-main/core/machines/boot/host';
import { readKnownHosts, recordHostKeys } from '../../src-main/core/known-hosts';
import { SshSession, waitForSsh } from '../../src-main/core/machines/ssh';
import { generateReadableKeyPair } from '../../src-main/core/sshkeys';

const hostPair = generateReadableKeyPair('server');
const otherPair = generateReadableKeyPair('impostor');
const clientPair = generateReadableKeyPair('client');

let server: ssh2.Server;
let port = 0;
let authAttempts = 0;
let dir: string;
let identity: string;
let knownHosts: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-hk-'));
  identity = path.join(dir, 'id_ed25519');
  fs.writeFileSync(identity, clientPair.private, { mode: 0o600 });
  server = new ssh2.Server({ hostKeys: [hostPair.private] }, (client) => {
    client.on('authentication', (ctx) => {
      authAttempts++;
      if (ctx.method === 'publickey') ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec) => {
        const ch = acceptExec();
        ch.exit(0);
        ch.end();
      });
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  authAttempts = 0;
  knownHosts = path.join(dir, `known_hosts_${Math.random().toString(36).slice(2)}`);
});

const pinned = (pair: { public: string }) => recordHostKeys(knownHosts, '127.0.0.1', port, [pair.public]);
const target = () => ({ host: '127.0.0.1', port, user: 'root', privateKeyPath: identity, knownHostsFile: knownHosts });

describe('machines: SshSession', () => {
  it('refuses a host whose key differs from the pinned one before sending any authentication', async () => {
    await pinned(otherPair);
    const err = await SshSession.connect(target(), { timeoutMs: 5000 }).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(err?.code).toBe('AUTH');
    expect(err?.message).toContain(`SSH host key of [127.0.0.1]:${port} has changed`);
    expect(authAttempts).toBe(0);
    // not re-pinned behind the user's back
    expect(readKnownHosts(knownHosts).map((e) => e.key)).toEqual([otherPair.public.split(' ')[1]]);
  });

  it('authenticates once the key matches the pinned one', async () => {
    await pinned(hostPair);
    const s = await SshSession.connect(target(), { timeoutMs: 5000 });
    s.close();
    expect(s.pinnedHostKey).toBeUndefined();
    expect(authAttempts).toBeGreaterThan(0); // "none", then the key (offered, then signed)
  });

  it('pins an unknown host on first contact and says so', async () => {
    const line = await waitForSsh(target(), 10_000);
    expect(line).toMatch(new RegExp(`^Permanently added '\\[127\\.0\\.0\\.1\\]:${port}' \\(ssh-ed25519 SHA256:\\S+\\) to `));
    expect(readKnownHosts(knownHosts).map((e) => `${e.hosts[0]} ${e.keyType} ${e.key}`)).toEqual([`[127.0.0.1]:${port} ${hostPair.public.split(' ').slice(0, 2).join(' ')}`]);
    expect(await waitForSsh(target(), 10_000)).toBeUndefined();
  });
});

describe('engines: the shared ssh:// tunnel', () => {
  const tunnel = () => acquireTunnel({ user: 'root', host: '127.0.0.1', port, identityFile: identity, socketPath: '/var/run/docker.sock', knownHostsFile: knownHosts, timeoutMs: 5000 });

  it('refuses a changed host key before sending any authentication', async () => {
    await pinned(otherPair);
    const t = tunnel();
    try {
      await expect(t.connect()).rejects.toThrow(/has changed/);
      expect(authAttempts).toBe(0);
    } finally {
      releaseTunnel(t);
    }
  });

  it('authenticates with the pinned key', async () => {
    await pinned(hostPair);
    const t = tunnel();
    try {
      await t.connect();
      expect(authAttempts).toBeGreaterThan(0); // "none", then the key (offered, then signed)
    } finally {
      releaseTunnel(t);
    }
  });
});

describe("VM drivers' first-boot SSH (virtualbox, hyperv)", () => {
  it('refuses a changed host key before authentication, and the first-boot wait stops at once', async () => {
    await pinned(otherPair);
    await expect(sshExec(target(), 'true', 5000)).rejects.toThrow(/has changed/);
    expect(authAttempts).toBe(0);
    const ctx = { step: () => undefined, signal: new AbortController().signal };
    const t0 = Date.now();
    await expect(waitFirstBoot(sshExec, target(), 'vm1', 60_000, ctx, 10)).rejects.toThrow(/has changed/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(authAttempts).toBe(0);
  });

  it('pins the key on first contact and says so', async () => {
    const lines: string[] = [];
    await sshExec({ ...target(), onPinned: (l) => lines.push(l) }, 'true', 5000);
    expect(lines).toEqual([expect.stringMatching(/^Permanently added '\[127\.0\.0\.1\]:\d+' \(ssh-ed25519 SHA256:/)]);
    expect(authAttempts).toBeGreaterThan(0);
    expect(readKnownHosts(knownHosts)).toHaveLength(1);
  });
});
