import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pinHostKey, readKnownHosts } from '../known-hosts';
import { removeMachine } from './lifecycle';
import { MachineStore } from './store';
import { CONFIG_VERSION, type MachineConfig } from './types';

function wireKey(body: string): Buffer {
  const t = Buffer.from('ssh-ed25519');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}

let dir: string;
let savedDockerConfig: string | undefined;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fma-rm-'));
  // removeMachine asks the docker CLI about a context of the machine's name: keep it away from the user's config
  savedDockerConfig = process.env.DOCKER_CONFIG;
  process.env.DOCKER_CONFIG = path.join(dir, 'docker-config');
});
afterEach(async () => {
  if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = savedDockerConfig;
  await fs.rm(dir, { recursive: true, force: true });
});

const generic = (name: string, host: string, port: number): MachineConfig => ({
  configVersion: CONFIG_VERSION,
  name,
  driver: 'generic',
  createdAt: new Date().toISOString(),
  state: 'ready',
  spec: { cpus: 1, memoryMb: 1024, diskGb: 20, options: {} },
  engine: { labels: [], registryMirrors: [], insecureRegistries: [], tlsSans: [] },
  driverData: { address: host, user: 'root', sshPort: port, enginePort: 2376 },
  endpoint: { ip: host, ssh: { host, port, user: 'root' }, docker: { host, port: 2376 } },
  sshKey: 'id_ed25519',
});

describe('machine rm', () => {
  it("drops the pin of the machine's SSH address and keeps every other one", async () => {
    const store = new MachineStore(dir);
    await store.reserve('gone');
    await store.save(generic('gone', '192.0.2.7', 2222));
    await pinHostKey(store.knownHostsFile, '192.0.2.7', 2222, wireKey('machine'));
    await pinHostKey(store.knownHostsFile, '192.0.2.7', 22, wireKey('same address, other sshd'));
    await pinHostKey(store.knownHostsFile, '192.0.2.8', 22, wireKey('another host'));
    const res = await removeMachine(store, 'gone');
    expect(res.removed).toBe('gone');
    expect(readKnownHosts(store.knownHostsFile).map((e) => e.hosts.join(','))).toEqual(['192.0.2.7', '192.0.2.8']);
    expect(await store.exists('gone')).toBe(false);
  });
});
