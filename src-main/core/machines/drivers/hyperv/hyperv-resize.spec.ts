// machine set on Hyper-V (the VM stopped): exact command lines against the recorded PowerShell answers
// (hyperv.harness.ts), and the refusals that change nothing.
import { describe, it, expect } from 'vitest';
import { createHyperVDriver, MODULE_MISSING } from './driver.js';
import { ctx, deps, dir, fx, line, Player, useHyperVHarness } from './hyperv.harness.js';

useHyperVHarness();

describe('machine set (resize, the VM stopped): exact command lines', () => {
  const change = (c: { cpus?: number; memoryMb?: number; diskGb?: number }) => ({ ...c, current: { cpus: 2, memoryMb: 2048, diskGb: 20 } });
  it('sets the CPUs and memory and grows the cloud image\'s VHDX, in that order', async () => {
    const p = new Player({ vm: 'Off' });
    const d = createHyperVDriver(deps(p));
    const r = await d.resize!({ vm: 'fl1', switchName: 'Default Switch', bootImage: 'cloud' }, change({ cpus: 4, memoryMb: 4096, diskGb: 40 }), ctx());
    expect(p.lines).toEqual([
      line("Hyper-V\\Set-VMProcessor -VMName 'fl1' -Count 4"),
      line("Hyper-V\\Set-VMMemory -VMName 'fl1' -StartupBytes 4096MB"),
      line(`Hyper-V\\Resize-VHD -Path '${dir}/disk.vhdx' -SizeBytes 40960MB`),
    ]);
    expect(r.notes).toEqual(['the disk of fl1 is 40 GB; the guest grows its root file system to it at the next start (cloud-init growpart)']);
    expect(d.resizeLive).toBeFalsy();
  });
  it('changes only what is given', async () => {
    const p = new Player({ vm: 'Off' });
    await createHyperVDriver(deps(p)).resize!({ vm: 'fl1', switchName: 'Default Switch', bootImage: 'cloud' }, change({ memoryMb: 1024 }), ctx());
    expect(p.lines).toEqual([line("Hyper-V\\Set-VMMemory -VMName 'fl1' -StartupBytes 1024MB")]);
  });
  it('refuses to grow a boot2docker disk before changing anything, naming what to do', async () => {
    const p = new Player({ vm: 'Off' });
    await expect(createHyperVDriver(deps(p)).resize!({ vm: 'fl1', switchName: 'Default Switch', bootImage: 'boot2docker' }, change({ cpus: 4, diskGb: 40 }), ctx())).rejects.toThrow('fl1 runs boot2docker, which never grows its data partition: leave out --disk');
    expect(p.lines).toEqual([]);
  });
  it('Resize-VHD not recognized (recorded PowerShell stderr): the module-missing message with the fix', async () => {
    const p = new Player({ vm: 'Off', fail: [{ prefix: 'Hyper-V\\Resize-VHD', stderr: fx('resize-vhd.not-recognized.stderr') }] });
    await expect(createHyperVDriver(deps(p)).resize!({ vm: 'fl1', switchName: 'Default Switch', bootImage: 'cloud' }, change({ diskGb: 40 }), ctx())).rejects.toThrow(MODULE_MISSING);
  });
});
