import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isValidMachineName, validateMachineName } from './names';
import { MachineStore } from './store';
import { CONFIG_VERSION, type MachineConfig } from './types';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fma-store-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const cfg = (name: string): MachineConfig => ({
  configVersion: CONFIG_VERSION,
  name,
  driver: 'container',
  createdAt: new Date().toISOString(),
  state: 'creating',
  spec: { cpus: 1, memoryMb: 1024, diskGb: 20, options: {} },
  engine: { labels: [], registryMirrors: [], insecureRegistries: [], tlsSans: [] },
  driverData: {},
  sshKey: 'id_ed25519',
});

describe('machine names', () => {
  it.each(['default', 'm1', 'web.prod', 'a_b-c', 'A1'])('accepts %s', (n) => expect(isValidMachineName(n)).toBe(true));
  it.each(['', '-a', '.a', 'a b', 'a/b', 'ä', 'x'.repeat(64), 'a-', 'a.', '../etc'])('refuses %j', (n) => {
    expect(isValidMachineName(n)).toBe(false);
    expect(() => validateMachineName(n)).toThrow(/invalid machine name/);
  });
});

describe('MachineStore', () => {
  it('reserves a name once and refuses a duplicate with CONFLICT', async () => {
    const s = new MachineStore(dir);
    await s.reserve('m1');
    await expect(s.reserve('m1')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(s.reserve('bad name')).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('saves config.json atomically with mode 0600 and a version', async () => {
    const s = new MachineStore(dir);
    await s.reserve('m1');
    await s.save(cfg('m1'));
    const st = await fs.stat(s.configPath('m1'));
    expect(st.mode & 0o777).toBe(0o600);
    const raw = JSON.parse(await fs.readFile(s.configPath('m1'), 'utf8')) as MachineConfig;
    expect(raw.configVersion).toBe(CONFIG_VERSION);
    // concurrent updates never leave a torn file or temp files behind
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.save({ ...cfg('m1'), lastError: 'x'.repeat(1000 * i) })));
    const again = JSON.parse(await fs.readFile(s.configPath('m1'), 'utf8')) as MachineConfig;
    expect(again.name).toBe('m1');
    expect((await fs.readdir(s.machineDir('m1'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses configs from the future and reports missing machines', async () => {
    const s = new MachineStore(dir);
    await s.reserve('m1');
    await fs.writeFile(s.configPath('m1'), JSON.stringify({ ...cfg('m1'), configVersion: 99 }));
    await expect(s.load('m1')).rejects.toThrow(/newer Flotilla/);
    await expect(s.load('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('writes secrets 0600 and lists machines', async () => {
    const s = new MachineStore(dir);
    await s.reserve('b');
    await s.reserve('a');
    await s.writeSecret(path.join(s.machineDir('a'), 'k'), 'secret');
    expect((await fs.stat(path.join(s.machineDir('a'), 'k'))).mode & 0o777).toBe(0o600);
    expect(await s.names()).toEqual(['a', 'b']);
    await s.removeDir('a');
    expect(await s.names()).toEqual(['b']);
  });
});
