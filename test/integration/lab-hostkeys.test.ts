// A lab made again at the same addresses does not trip the host-key pin: `lab up` records each node's host keys
// (read through the local engine) in the user's known_hosts, so `flotilla -H ssh://root@ADDRESS` still connects
// after `lab down` / `lab up`, though the node now has new keys. One node, on a lab of its own named after this
// run's lab (`<lab>-hk`), so the shared lab is untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labDown, labUp, type LabNode } from '../../src-main/core/lab';
import { readKnownHosts } from '../../src-main/core/known-hosts';
import { describeLab, labName, nodeExec } from '../support/lab';

const NAME = `${labName()}-hk`;
const root = path.resolve(import.meta.dirname, '..', '..');
let home: string;
let savedHome: string | undefined;

function engineInfo(node: LabNode): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('node', [path.join(root, 'bin/flotilla.mjs'), '-H', node.ssh, '--ssh-key', node.identity, '--json', 'engine', 'info'], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, FLOTILLA_HOME: home, SSH_AUTH_SOCK: '' },
    timeout: 120_000,
  });
}

const ed25519Of = async (node: LabNode) => (await nodeExec(node, ['cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).stdout.split(' ')[1];
const pinnedFor = (ip: string) => readKnownHosts(path.join(home, 'known_hosts')).filter((e) => e.hosts.includes(ip));

describeLab('lab up records its nodes\' host keys', () => {
  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-lab-hk-'));
    // labUp runs in this process: it records into $FLOTILLA_HOME/known_hosts as the CLI's would
    savedHome = process.env.FLOTILLA_HOME;
    process.env.FLOTILLA_HOME = home;
  });
  afterAll(async () => {
    await labDown(NAME).catch(() => undefined);
    if (savedHome === undefined) delete process.env.FLOTILLA_HOME;
    else process.env.FLOTILLA_HOME = savedHome;
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('-H ssh://root@ADDRESS connects after lab down / lab up at the same address, with the new host key pinned', async () => {
    const [first] = await labUp({ name: NAME, nodes: 1 });
    const subnet = `${first.ip.split('.').slice(0, 3).join('.')}.0/24`;
    const firstKey = await ed25519Of(first);
    // recorded by lab up, before any SSH connection from here
    expect(pinnedFor(first.ip).map((e) => e.key)).toContain(firstKey);
    const before = engineInfo(first);
    expect(before.status, before.stderr).toBe(0);

    await labDown(NAME);
    const [second] = await labUp({ name: NAME, nodes: 1, subnet });
    expect(second.ip).toBe(first.ip);
    const secondKey = await ed25519Of(second);
    expect(secondKey).not.toBe(firstKey); // a new node, new host keys: the old pin would refuse it
    expect(pinnedFor(second.ip).map((e) => e.key)).toContain(secondKey);
    expect(pinnedFor(second.ip).map((e) => e.key)).not.toContain(firstKey);

    const after = engineInfo(second);
    expect(after.stderr).not.toContain('has changed');
    expect(after.status, after.stderr).toBe(0);
    expect((JSON.parse(after.stdout) as { url: string }).url).toContain(second.ip);
  });
});
