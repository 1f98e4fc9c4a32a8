// Hostile engine options on every path they take to a root shell: boot2docker's profile, daemon.json through the
// provisioner (the generic driver's path), and the cloud-init seed (which carries the machine's name and key).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FlotillaError } from '../../api/errors';
import { buildSeedIso, metaData, userData } from './boot/cloudinit';
import { validateEngineOptions } from './engine-options';
import { createMachine } from './lifecycle';
import { boot2dockerProfile, mergeDaemonJson, provision } from './provisioner';
import { MachineStore } from './store';
import type { EngineOptions } from './types';

const none: EngineOptions = { labels: [], registryMirrors: [], insecureRegistries: [], tlsSans: [] };

// [which input, flag named in the error, a hostile value]
const hostile: Array<[keyof EngineOptions, string, string]> = [
  ['labels', '--engine-label', "x'; touch /pwned; '"],
  ['labels', '--engine-label', 'a=b\nEXTRA_ARGS=--debug'],
  ['labels', '--engine-label', 'a=$(reboot)'],
  ['labels', '--engine-label', 'a=`id`'],
  ['labels', '--engine-label', 'a=b c'],
  ['labels', '--engine-label', 'a=*'],
  ['labels', '--engine-label', 'novalue'],
  ['registryMirrors', '--engine-registry-mirror', "https://m.example'; rm -rf / #"],
  ['registryMirrors', '--engine-registry-mirror', 'https://m.example --tlsverify=false'],
  ['registryMirrors', '--engine-registry-mirror', 'ftp://m.example'],
  ['registryMirrors', '--engine-registry-mirror', 'https://u:p@m.example'],
  ['insecureRegistries', '--engine-insecure-registry', '10.0.0.1:5000;id'],
  ['insecureRegistries', '--engine-insecure-registry', 'http://10.0.0.1:5000'],
  ['insecureRegistries', '--engine-insecure-registry', "r.example'\n--host=tcp://0.0.0.0:2375"],
  ['tlsSans', '--tls-san', 'a b'],
  ['tlsSans', '--tls-san', "h'; id"],
];

const withValue = (k: keyof EngineOptions, v: string): EngineOptions => ({ ...none, [k]: [v] });

function badInput(fn: () => unknown): FlotillaError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FlotillaError) return e;
    throw e;
  }
  throw new Error('no error was thrown');
}

describe('engine options: validated, each error naming the flag, the value and the fix', () => {
  it.each(hostile)('%s %j refused (%s)', (k, flag, v) => {
    const e = badInput(() => validateEngineOptions(withValue(k, v)));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain(`invalid ${flag} ${JSON.stringify(v)}: use `);
  });

  it('ordinary values pass', () => {
    expect(() =>
      validateEngineOptions({
        labels: ['tier=web', 'flotilla.swarm=demo', 'com.example/zone=eu-west-1', 'k='],
        registryMirrors: ['https://mirror.example', 'http://10.0.0.5:5000', 'https://[::1]:5000/', 'https://m.example/v2/cache'],
        insecureRegistries: ['10.0.0.1:5000', 'registry.local', '10.0.0.0/8', '[fd00::1]:5000'],
        tlsSans: ['docker.example', '*.example.org', '10.1.2.3', '::1'],
      }),
    ).not.toThrow();
  });
});

describe('every path refuses them', () => {
  it.each(hostile)('boot2docker profile: %s %j', (k, _flag, v) => {
    expect(badInput(() => boot2dockerProfile(withValue(k, v), 'virtualbox')).code).toBe('BAD_INPUT');
  });

  it.each(hostile)('daemon.json: %s %j', (k, _flag, v) => {
    expect(badInput(() => mergeDaemonJson('{}', withValue(k, v), 'generic')).code).toBe('BAD_INPUT');
  });

  it('the boot2docker profile holds ordinary values as plain words inside EXTRA_ARGS', () => {
    const p = boot2dockerProfile({ ...none, labels: ['tier=web'], registryMirrors: ['https://m.example'], insecureRegistries: ['10.0.0.1:5000'] }, 'virtualbox');
    expect(p.split("EXTRA_ARGS='\n")[1].split("\n'\n")[0].split('\n')).toEqual(['--label provider=virtualbox', '--label tier=web', '--registry-mirror https://m.example', '--insecure-registry 10.0.0.1:5000']);
  });

  it('provision (what generic, virtualbox, hyperv and qemu machines go through) refuses before it connects anywhere', async () => {
    const steps: string[] = [];
    const err = await provision({
      machineName: 'm1',
      // nothing listens on port 1: an attempt to connect would fail UNREACHABLE, not BAD_INPUT
      ssh: { host: '127.0.0.1', port: 1, user: 'root', privateKeyPath: '/nonexistent', knownHostsFile: '/nonexistent' },
      docker: { host: '127.0.0.1', port: 1 },
      tls: { ca: '', cert: '', key: '' },
      serverPem: { ca: '', cert: '', key: '' },
      engine: withValue('labels', "x'; touch /pwned; '"),
      driverName: 'generic',
      log: (l) => steps.push(l),
      step: (s) => steps.push(s),
      sshTimeoutMs: 1000,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('--engine-label') });
    expect(steps).toEqual([]);
  });

  it('createMachine with the generic driver refuses before it makes anything (no machine folder, no key)', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-engopt-'));
    try {
      const store = new MachineStore(home);
      for (const [k, flag, v] of hostile) {
        const err = await createMachine(store, { name: 'g1', driver: 'generic', options: { 'generic-ip-address': '127.0.0.1', 'generic-ssh-port': 1 }, engine: withValue(k, v) }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining(flag) });
      }
      expect(await fs.readdir(home)).toEqual([]);
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
  });

  it('cloud-init: the seed is YAML-quoted (a key line carrying a newline stays one key) and a hostile hostname is refused', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\nruncmd: [[touch, /pwned]]\nbootcmd: [[reboot]]';
    const doc = parse(userData({ hostname: 'm1', sshPublicKey: key })) as { users: Array<{ ssh_authorized_keys: string[] }>; runcmd?: string[][]; bootcmd?: unknown };
    expect(doc.users[0].ssh_authorized_keys).toEqual([key]);
    expect(doc.bootcmd).toBeUndefined();
    expect(JSON.stringify(doc.runcmd)).not.toContain('/pwned');
    expect(parse(metaData({ hostname: 'm1', sshPublicKey: key, instanceId: 'i-1\nlocal-hostname: evil' }))).toEqual({ 'instance-id': 'i-1\nlocal-hostname: evil', 'local-hostname': 'm1' });
    expect(() => buildSeedIso({ hostname: "m1'; reboot; '", sshPublicKey: 'ssh-ed25519 AAAA' })).toThrow(/not a valid hostname/);
    expect(() => buildSeedIso({ hostname: 'm1\nruncmd: [[reboot]]', sshPublicKey: 'ssh-ed25519 AAAA' })).toThrow(/not a valid hostname/);
  });
});
