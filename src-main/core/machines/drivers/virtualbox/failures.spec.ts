// The VirtualBox driver's known failures (recorded VBoxManage errors, test/fixtures/virtualbox): each stops with its
// message and remedy, and leaves nothing behind.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createVirtualBoxDriver } from './driver.js';
import { matchFailure } from './failures.js';
import { driverStand, fx, Player, spec, VBM, vbox } from '../../../../../test/support/virtualbox';

const stand = driverStand();
const { ctx, deps } = stand;

describe('known failures, each with its message', () => {
  it('VBoxManage missing: create fails at once and runs nothing', async () => {
    const p = new Player(() => undefined);
    const d = createVirtualBoxDriver(deps(p, { exists: async () => false }));
    await expect(d.create(spec(), ctx())).rejects.toThrow(/^VBoxManage was not found \(looked in PATH, VBOX_MSI_INSTALL_PATH, VBOX_INSTALL_PATH, the default install folders and the Windows registry\): install VirtualBox/);
    expect(p.lines).toEqual([]);
    expect(await fs.readdir(stand.dir)).toEqual([]);
    const pre = await d.prerequisites();
    expect(pre).toEqual([expect.objectContaining({ name: 'VBoxManage installed', ok: false })]);
  });

  it('version too old', async () => {
    const p = vbox({ version: 'version.6.0.0.txt' });
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow('VirtualBox "6.0.0r127566" is too old or unreadable: Flotilla needs VirtualBox 6.1 or later');
    expect(p.lines).toEqual([`${VBM} --version`]);
  });

  it('VT-x disabled: refused before anything is made, with the BIOS remedy; and in startvm stderr / VBox.log', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p, { readFile: async () => 'flags\t\t: fpu vme de pse\n' }));
    await expect(d.create(spec(), ctx())).rejects.toThrow(/cannot create a VirtualBox VM: the CPU reports neither vmx nor svm in \/proc\/cpuinfo; enable VT-x\/AMD-V in the BIOS/);
    expect(p.lines).toEqual([`${VBM} --version`]);
    for (const f of ['startvm.vtx-not-available.stderr', 'startvm.vmx-no-vmx.linux.stderr']) expect(matchFailure(fx(f))?.id).toBe('vtx-disabled');
    expect(matchFailure(fx('vboxlog.nem-vm-create-failed.txt'))?.id).toBe('hyperv-in-the-way');
    expect(matchFailure(fx('vboxlog.suplib-owner-not-root.txt'))?.id).toBe('suplib-owner');
    expect(matchFailure(fx('vboxlog.vmm-r0-version-mismatch.txt'))?.id).toBe('kernel-driver');
    expect(matchFailure(fx('startvm.intnet-flt-if-not-found.stderr'))?.id).toBe('hostonly-adapter-missing');
  });

  it('VT-x error at startvm: the VM is removed again and the message names the remedy', async () => {
    const p = vbox({ startErr: 'startvm.vmx-no-vmx.linux.stderr' });
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow('VirtualBox could not start fl1 because hardware virtualization (VT-x/AMD-V) is not available: enable Intel VT-x / AMD-V (SVM) in the BIOS/UEFI settings');
    expect(p.lines.slice(-4)).toEqual([`${VBM} startvm fl1 --type headless`, `${VBM} controlvm fl1 poweroff`, `${VBM} closemedium disk ${stand.dir}/disk.vdi --delete`, `${VBM} unregistervm fl1 --delete`]);
    expect(await fs.readdir(stand.dir)).toEqual([]);
  });

  it('VT-x found in VBox.log after startvm', async () => {
    const p = vbox();
    const log = fx('startvm.vmx-no-vmx.linux.stderr');
    const d = createVirtualBoxDriver(
      deps(p, {
        readFile: async (f) => {
          if (f === '/proc/cpuinfo') return 'flags\t\t: vmx\n';
          if (f.endsWith(path.join('fl1', 'Logs', 'VBox.log'))) return log;
          throw new Error('ENOENT');
        },
      }),
    );
    await expect(d.create(spec(), ctx())).rejects.toThrow(/hardware virtualization \(VT-x\/AMD-V\) is not available/);
  });

  it('host-only range refused: checked before creating (6.1.28+ on Linux) and mapped from E_ACCESSDENIED', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow(
      'VirtualBox host-only network 192.168.99.1/24 is not allowed since VirtualBox 6.1.28; use 192.168.56.1/24 (or any /24 from 192.168.56.1 to 192.168.63.1, e.g. the default 192.168.59.1/24) or add it to /etc/vbox/networks.conf (a line "* 192.168.99.0/24")',
    );
    expect(p.lines).toEqual([`${VBM} --version`]);
    // networks.conf allows it, but VirtualBox still refuses (recorded E_ACCESSDENIED): same message, VM removed
    const q = vbox({ ipconfigErr: 'hostonlyif-ipconfig.accessdenied.stderr' });
    const d2 = createVirtualBoxDriver(
      deps(q, {
        readFile: async (f) => (f === '/proc/cpuinfo' ? 'flags\t\t: svm\n' : f === '/etc/vbox/networks.conf' ? '* 192.168.0.0/16\n' : Promise.reject(new Error('ENOENT'))),
      }),
    );
    await expect(d2.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow(/is not allowed since VirtualBox 6.1.28; use 192.168.56.1\/24/);
    expect(q.lines).toContain(`${VBM} hostonlyif remove vboxnet12`);
    expect(q.lines.at(-1)).toBe(`${VBM} unregistervm fl1 --delete`);
    expect(matchFailure(fx('hostonlyif-ipconfig.accessdenied.stderr'))?.id).toBe('hostonly-range-refused');
  });

  it('IP collision with a host interface', async () => {
    const p = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.vbox61.txt' });
    const d = createVirtualBoxDriver(
      deps(p, { hostInterfaces: () => ({ wlan0: [{ address: '192.168.99.42', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: '192.168.99.42/24' }] }) }),
    );
    await expect(d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow('host-only network 192.168.99.1/24 overlaps the host interface wlan0 (192.168.99.42): choose another --virtualbox-hostonly-cidr');
    expect(p.lines).not.toContain(`${VBM} hostonlyif create`);
  });

  it('name taken', async () => {
    const p = vbox({ existing: true });
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow('a VirtualBox VM named fl1 already exists: choose another machine name or remove that VM in VirtualBox');
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`]);
  });

  it('name taken at createvm (an unregistered VM left its settings file): recorded VBOX_E_FILE_ERROR mapped, nothing left behind', async () => {
    const base = vbox();
    const p = new Player((a) => (a[0] === 'createvm' ? { stderr: fx('createvm.settings-file-exists.stderr'), code: 1 } : base.respond(a)));
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow(
      "VirtualBox cannot create fl1: its settings file 'C:\\Users\\Administrator\\VirtualBox VMs\\vrouter\\vrouter.vbox' already exists (left by a VM removed without its files): delete that folder, or choose another machine name",
    );
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`, `${VBM} createvm --name fl1 --basefolder ${stand.dir} --ostype Ubuntu_64 --register`]);
    expect(await fs.readdir(stand.dir)).toEqual([]);
    expect(matchFailure(fx('createvm.settings-file-exists.stderr'))?.id).toBe('settings-file-exists');
  });

  it('no IP after the timeout: a message with what to try, and nothing left behind', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p, { sshExec: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:40022')) }));
    await expect(d.create(spec(), ctx())).rejects.toThrow(/the VirtualBox VM fl1 got no address on host-only network vboxnet12 \(192.168.59.1\/24\) within 0 s \(last: connect ECONNREFUSED 127.0.0.1:40022\)/);
    expect(p.lines.at(-1)).toBe(`${VBM} unregistervm fl1 --delete`);
  });

  it('Windows: Hyper-V detected through PowerShell CIM (not wmic)', async () => {
    const p = new Player((a) => {
      if (a[0] === '--version') return { stdout: fx('version.7.1.8.txt') };
      if (a[0] === '-NoProfile') return { stdout: '{"VirtualizationFirmwareEnabled":false,"HypervisorPresent":true}\r\n' };
      return undefined;
    });
    const exe = 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe';
    const d = createVirtualBoxDriver(deps(p, { platform: 'win32', env: { PATH: '' }, exists: async (f) => f === exe }));
    const pre = await d.prerequisites();
    expect(pre.find((c) => c.name === 'Hyper-V not running')).toMatchObject({ ok: false, remedy: expect.stringContaining('bcdedit /set hypervisorlaunchtype off') });
    expect(p.lines[1]).toMatch(/^powershell\.exe -NoProfile -NonInteractive -Command \$cs = Get-CimInstance -ClassName Win32_ComputerSystem; /);
    expect(p.lines.join('\n')).not.toMatch(/wmic/i);
    await expect(d.create(spec(), ctx())).rejects.toThrow(/the Windows hypervisor is running/);
  });
});
