// Engines over SSH: one shared ssh2 connection per host, host keys pinned on first use, reconnection
// after a drop, dial-stdio where socket forwarding is refused; streams close cleanly on cancel.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectEngine, type EngineConnection, type EngineTarget } from '../../src-main/core/engine';
import { sshTunnels } from '../../src-main/core/engine/ssh';
import { generateReadableKeyPair } from '../../src-main/core/sshkeys';
import { describeLab, labNodes, type LabNode } from '../support/lab';
import { checkEventsCancel, checkExec, checkLogsFollowCancel, checkLongEventLine, checkLongLogLine, checkVersion, dockerCli, inNode, settled, waitFor } from './engine-shared';

const pexec = promisify(execFile);

let nodes: LabNode[];
let tmp: string;
let knownHosts: string;
let conn: EngineConnection;

const target = (n: LabNode, extra: Partial<Extract<EngineTarget, { kind: 'ssh' }>> = {}): EngineTarget => ({ kind: 'ssh', user: 'root', host: n.ip, port: 22, identityFile: n.identity, knownHostsFile: knownHosts, ...extra });
const tunnelsTo = (n: LabNode) => sshTunnels().filter((t) => t.url === `ssh://root@${n.ip}:22`);
/** established SSH sessions on the node, counted by the node itself (the oracle) */
const sshSessions = async (n: LabNode): Promise<number> => Number((await inNode(n.name, "ss -Htn state established '( sport = :22 )' | wc -l")).trim());

describeLab('engine over SSH', () => {
  beforeAll(async () => {
    nodes = labNodes();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-ssh-'));
    knownHosts = path.join(tmp, 'known_hosts');
    conn = await connectEngine(target(nodes[0]));
  });
  afterAll(async () => {
    await conn?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers version and info like the docker CLI on the node', async () => {
    expect(conn.url).toBe(`ssh://root@${nodes[0].ip}:22`);
    await checkVersion(conn, await inNode(nodes[0].name, "docker version --format '{{.Server.Version}}'"));
  });

  it('pinned the host key on first use, in OpenSSH format, matching the key the node holds', async () => {
    const lines = fs.readFileSync(knownHosts, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const [host, type, key] = lines[0].split(' ');
    expect(host).toBe(nodes[0].ip);
    const pub = await inNode(nodes[0].name, 'cat /etc/ssh/ssh_host_*_key.pub');
    expect(pub).toContain(`${type} ${key}`);
  });

  it("answers OpenSSH's packets that nothing else answers (prompt ACKs, ssh-ack.ts), and requests still work", async () => {
    const info = () => tunnelsTo(nodes[0])[0];
    expect(info().promptAcks).toBe(true); // the node runs Debian's OpenSSH
    const before = info().ackNudges;
    await conn.docker.ping();
    await conn.docker.listContainers({ all: true });
    expect(info().ackNudges).toBeGreaterThan(before);
    await checkVersion(conn, await inNode(nodes[0].name, "docker version --format '{{.Server.Version}}'"));
  });

  it('streams events, follows logs and attaches exec, each closing cleanly on cancel', async () => {
    await checkEventsCancel(conn);
    await checkLogsFollowCancel(conn);
    await checkExec(conn);
  });

  it('on a lab node: a 5 MB log line with no newline is capped at 64 KiB with the cut marker, holding no more; an over-long event is skipped', async () => {
    await checkLongLogLine(conn);
    await checkLongEventLine(conn);
  });

  it('shares one SSH connection between requests and connections; the last close ends it', async () => {
    const before = await sshSessions(nodes[0]);
    const second = await connectEngine(target(nodes[0]));
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? conn : second).docker.ping()));
    expect(tunnelsTo(nodes[0])).toMatchObject([{ refs: 2, connects: 1, connected: true }]);
    expect(await sshSessions(nodes[0])).toBe(before);
    await second.close();
    expect(tunnelsTo(nodes[0])).toMatchObject([{ refs: 1, connected: true }]);
    await conn.close();
    expect(tunnelsTo(nodes[0])).toEqual([]);
    await waitFor('the node to see the SSH session end', async () => (await sshSessions(nodes[0])) === before - 1);
    conn = await connectEngine(target(nodes[0]));
  });

  it('reaches the engine through a channel to its socket on the open SSH connection (no request, no new connection), and fails in time on a frozen host', async () => {
    await conn.docker.ping();
    const before = tunnelsTo(nodes[0])[0].connects;
    const opened = conn.openChannels();
    for (let i = 0; i < 3; i++) await expect(conn.reach!(AbortSignal.timeout(5_000))).resolves.toBe(true);
    expect(tunnelsTo(nodes[0])[0]).toMatchObject({ connected: true, connects: before });
    expect(conn.openChannels(), 'reach leaves no stream open').toBeLessThanOrEqual(opened);
    await dockerCli(['pause', nodes[0].name]);
    try {
      await expect(conn.reach!(AbortSignal.timeout(1_000))).rejects.toThrow(/no answer in time/);
    } finally {
      await dockerCli(['unpause', nodes[0].name]);
    }
    await expect(conn.reach!(AbortSignal.timeout(10_000))).resolves.toBe(true);
  });

  it('reconnects on the next request after the SSH connection is killed', async () => {
    await conn.docker.ping();
    const ac = new AbortController();
    const events = (await conn.docker.getEvents({ abortSignal: ac.signal })) as NodeJS.ReadableStream;
    const ended = new Promise<void>((resolve) => {
      events.on('error', () => resolve());
      events.on('end', () => resolve());
      events.on('close', () => resolve());
    });
    const connects = tunnelsTo(nodes[0])[0].connects;
    await dockerCli(['exec', nodes[0].name, 'pkill', '-f', '^sshd: root']); // the per-connection sshd processes, not the listener
    await waitFor('the drop to be noticed', () => !tunnelsTo(nodes[0])[0].connected);
    await ended; // the stream on the dead connection ends instead of hanging
    await settled(conn);
    const v = (await conn.docker.version()) as { Version: string };
    expect(v.Version).toBeTruthy();
    expect(tunnelsTo(nodes[0])[0]).toMatchObject({ connected: true, connects: connects + 1 });
    ac.abort();
  });

  it('notices a host that stopped answering through the keepalive, and reconnects once it is back', async () => {
    const n = nodes[0];
    const kh = path.join(tmp, 'keepalive_known_hosts');
    const c = await connectEngine(target(n, { knownHostsFile: kh }), { sshKeepaliveMs: 1000 });
    const mine = () => sshTunnels().filter((t) => t.knownHostsFile === kh);
    try {
      await c.docker.ping();
      expect(mine()).toMatchObject([{ connected: true, connects: 1, refs: 1 }]);
      await dockerCli(['pause', n.name]); // the host freezes: TCP stays up, nothing answers
      try {
        await waitFor('the keepalive to give up on the frozen host', () => mine().length === 1 && !mine()[0].connected, 20_000);
      } finally {
        await dockerCli(['unpause', n.name]);
      }
      await c.docker.ping();
      expect(mine()).toMatchObject([{ connected: true, connects: 2, refs: 1 }]);
    } finally {
      await c.close();
    }
  });

  it('refuses to connect when the pinned host key changed, naming the file and line', async () => {
    await conn.close();
    const original = fs.readFileSync(knownHosts, 'utf8');
    const other = ssh2.utils.generateKeyPairSync('ed25519').public.split(' ');
    const [host] = original.trim().split(' ');
    fs.writeFileSync(knownHosts, `${host} ${other[0]} ${other[1]}\n`);
    try {
      const err = await connectEngine(target(nodes[0])).then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
      expect(err?.code).toBe('AUTH');
      expect(err?.message).toMatch(new RegExp(`host key of ${nodes[0].ip.replace(/\./g, '\\.')} has changed`));
      expect(err?.message).toContain(`delete line 1 of ${knownHosts}`);
      expect(fs.readFileSync(knownHosts, 'utf8')).toBe(`${host} ${other[0]} ${other[1]}\n`); // not re-pinned behind the user's back
      expect(tunnelsTo(nodes[0])).toEqual([]);
    } finally {
      fs.writeFileSync(knownHosts, original);
    }
    conn = await connectEngine(target(nodes[0]));
    await conn.docker.ping();
  });

  it('authenticates with the SSH agent when no key file is given', async () => {
    const sock = path.join(tmp, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const saved = { SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK, HOME: process.env.HOME };
    try {
      await waitFor('ssh-agent to listen', () => fs.existsSync(sock));
      await pexec('ssh-add', [nodes[0].identity], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      process.env.SSH_AUTH_SOCK = sock;
      process.env.HOME = tmp; // no ~/.ssh/id_* to fall back on: only the agent can succeed
      const viaAgent = await connectEngine(target(nodes[0], { identityFile: undefined, knownHostsFile: path.join(tmp, 'agent_known_hosts') }));
      expect(((await viaAgent.docker.version()) as { Version: string }).Version).toBeTruthy();
      await viaAgent.close();
      delete process.env.SSH_AUTH_SOCK;
      await expect(connectEngine(target(nodes[0], { identityFile: undefined }))).rejects.toThrow(/no SSH key for .*pass --ssh-key FILE, start an SSH agent/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      agent.kill();
    }
  });

  it('says which key the host refused', async () => {
    const keyFile = path.join(tmp, 'stranger');
    fs.writeFileSync(keyFile, generateReadableKeyPair('stranger').private, { mode: 0o600 });
    await expect(connectEngine(target(nodes[0], { identityFile: keyFile }))).rejects.toThrow(new RegExp(`refused the key ${keyFile}.*authorized_keys`));
    await expect(connectEngine(target(nodes[0], { identityFile: path.join(tmp, 'missing') }))).rejects.toThrow(/does not exist/);
  });

  it('fails clearly and in time for an address where no host answers', async () => {
    const t0 = Date.now();
    await expect(connectEngine({ kind: 'ssh', user: 'root', host: '10.88.0.250', port: 22, identityFile: nodes[0].identity, knownHostsFile: knownHosts }, { timeoutMs: 4000 })).rejects.toThrow(
      /ssh:\/\/root@10\.88\.0\.250:22 (is unreachable|did not answer)|no SSH handshake with ssh:\/\/root@10\.88\.0\.250:22 within 4 s/,
    );
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('falls back to `docker system dial-stdio` where sshd forbids socket forwarding', async () => {
    const n = nodes[1];
    const conf = '/etc/ssh/sshd_config.d/zz-flotilla-engine-test.conf';
    await inNode(n.name, `echo 'AllowStreamLocalForwarding no' > ${conf} && systemctl restart ssh`);
    let c2: EngineConnection | undefined;
    try {
      // sshd restarts: wait until it accepts again
      await waitFor('sshd to listen again', async () => (await inNode(n.name, "ss -Htln '( sport = :22 )' | wc -l")).trim() !== '0');
      c2 = await connectEngine(target(n));
      await checkVersion(c2, await inNode(n.name, "docker version --format '{{.Server.Version}}'"));
      expect(tunnelsTo(n)).toMatchObject([{ transport: 'dial-stdio' }]);
      // each stream here starts a remote process: the link is not reached between pings (the watcher pings instead)
      await expect(c2.reach!(AbortSignal.timeout(5_000))).resolves.toBe(false);
      await checkEventsCancel(c2);
      await checkExec(c2);
    } finally {
      await c2?.close();
      await inNode(n.name, `rm -f ${conf} && systemctl restart ssh`);
    }
  });
});
