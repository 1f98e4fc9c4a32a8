import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDockerMachines } from './import';
import { MachineStore } from './store';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fma-import-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function writeMachine(store: string, name: string, cfg: unknown): Promise<string> {
  const d = path.join(store, 'machines', name);
  await fs.mkdir(d, { recursive: true });
  await fs.writeFile(path.join(d, 'config.json'), JSON.stringify(cfg));
  return d;
}

describe('docker-machine import', () => {
  it('reads v3 configs, keeps their files in place, and skips what it cannot use', async () => {
    const src = path.join(dir, 'dm');
    const d = await writeMachine(src, 'vb1', { ConfigVersion: 3, DriverName: 'virtualbox', Name: 'vb1', Driver: { IPAddress: '127.0.0.1', SSHUser: 'docker', SSHPort: 50022, SSHKeyPath: '/x/id_rsa' }, HostOptions: { EngineOptions: { Labels: ['a=b'], RegistryMirror: [], InsecureRegistry: [] } } });
    await writeMachine(src, 'old', { ConfigVersion: 2, DriverName: 'virtualbox', Driver: { IPAddress: '1.2.3.4' } });
    await writeMachine(src, 'noip', { ConfigVersion: 3, DriverName: 'generic', Driver: {} });
    const before = await fs.readFile(path.join(d, 'config.json'), 'utf8');
    const store = new MachineStore(path.join(dir, 'home'));
    const r = await importDockerMachines(store, { storePath: src });
    expect(r.find((x) => x.name === 'vb1')).toMatchObject({ imported: true, url: 'tcp://127.0.0.1:2376' });
    expect(r.find((x) => x.name === 'old')).toMatchObject({ imported: false, reason: expect.stringContaining('not 3') as unknown as string });
    expect(r.find((x) => x.name === 'noip')).toMatchObject({ imported: false });
    const cfg = await store.load('vb1');
    expect(cfg.driver).toBe('docker-machine');
    expect(cfg.endpoint?.ssh).toEqual({ host: '127.0.0.1', port: 50022, user: 'docker' });
    expect(cfg.sshKey).toBe('/x/id_rsa');
    expect(cfg.imported?.machineDir).toBe(d);
    expect(cfg.engine.labels).toEqual(['a=b']);
    expect(await fs.readFile(path.join(d, 'config.json'), 'utf8')).toBe(before);
    // a second import does not clobber the first
    const again = await importDockerMachines(store, { storePath: src, names: ['vb1'] });
    expect(again[0]).toMatchObject({ imported: false, reason: expect.stringContaining('already exists') as unknown as string });
    await expect(importDockerMachines(store, { storePath: path.join(dir, 'nope') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
