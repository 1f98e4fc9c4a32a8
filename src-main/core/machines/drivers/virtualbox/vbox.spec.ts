// Finding VBoxManage (PATH, the install variables, the default folder, the registry) and calling it one call at a time.
import { describe, it, expect } from 'vitest';
import { createVirtualBoxDriver } from './driver.js';
import { locateVBoxManage, serialized } from './vbox.js';
import { driverStand, fx, Player } from '../../../../../test/support/virtualbox';

const { deps } = driverStand();

describe('VBoxManage discovery and the call queue', () => {
  it('looks in PATH, then VBOX_MSI_INSTALL_PATH/VBOX_INSTALL_PATH, the default folder, then the registry', async () => {
    const none = new Player(() => undefined);
    const win = (found: string, env: NodeJS.ProcessEnv, reg?: string) =>
      locateVBoxManage({ platform: 'win32', env, exists: async (f) => f === found, runner: reg ? new Player((a) => (a[0] === 'query' ? { stdout: reg } : undefined)) : none });
    expect(await win('C:\\tools\\VBoxManage.exe', { PATH: 'C:\\Windows;C:\\tools' })).toEqual({ path: 'C:\\tools\\VBoxManage.exe', via: 'PATH' });
    expect(await win('D:\\VB\\VBoxManage.exe', { PATH: '', VBOX_MSI_INSTALL_PATH: 'D:\\VB\\' })).toEqual({ path: 'D:\\VB\\VBoxManage.exe', via: 'VBOX_MSI_INSTALL_PATH' });
    expect(await win('E:\\VB\\VBoxManage.exe', { PATH: '', VBOX_INSTALL_PATH: 'E:\\VB' })).toEqual({ path: 'E:\\VB\\VBoxManage.exe', via: 'VBOX_INSTALL_PATH' });
    expect(await win('C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe', { PATH: '' })).toEqual({ path: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe', via: 'default folder' });
    // the `reg query` answer layout as documented for reg.exe (not a recording)
    const reg = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Oracle\\VirtualBox\r\n    InstallDir    REG_SZ    F:\\Oracle\\VirtualBox\\\r\n\r\n';
    const regRunner = new Player((a) => (a[0] === 'query' ? { stdout: reg } : undefined));
    expect(await locateVBoxManage({ platform: 'win32', env: { PATH: '' }, exists: async (f) => f === 'F:\\Oracle\\VirtualBox\\VBoxManage.exe', runner: regRunner })).toEqual({ path: 'F:\\Oracle\\VirtualBox\\VBoxManage.exe', via: 'registry' });
    expect(regRunner.lines).toEqual(['reg query HKLM\\SOFTWARE\\Oracle\\VirtualBox /v InstallDir']);
    expect(await locateVBoxManage({ platform: 'linux', env: { PATH: '/nowhere' }, exists: async () => false, runner: none })).toBeUndefined();
  });

  it('runs one VBoxManage call at a time', async () => {
    let active = 0;
    let maxActive = 0;
    const job = () => serialized(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    });
    await Promise.all([job(), job(), job(), job()]);
    expect(maxActive).toBe(1);
  });

  it('retries on "object is not ready" and then succeeds', async () => {
    let n = 0;
    const p = new Player((a) => {
      if (a[0] === '--version') return { stdout: fx('version.7.1.8.txt') };
      if (a[0] === 'showvminfo') return n++ < 2 ? { stderr: 'VBoxManage: error: The object is not ready', code: 1 } : { stdout: 'VMState="running"\n' };
      return undefined;
    });
    const d = createVirtualBoxDriver(deps(p));
    expect(await d.state({ vm: 'fl1' })).toBe('running');
    expect(p.lines.filter((l) => l.includes('showvminfo'))).toHaveLength(3);
  });
});
