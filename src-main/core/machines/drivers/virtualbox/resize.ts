// `machine set` for a stopped VirtualBox VM: `modifyvm --cpus/--memory`, and the cloud image's VDI disk grown with
// `modifymedium disk --resize` (MB). A boot2docker VM keeps its data on a VMDK, which VBoxManage cannot resize.
import path from 'node:path';
import { FlotillaError } from '../../../../api/errors.js';
import type { DriverContext, ResizeChange, ResizeOutcome } from '../types.js';
import type { VBoxData } from './options.js';
import type { VBoxManage } from './vbox.js';

export async function resizeVBox(v: VBoxManage, data: VBoxData, change: ResizeChange, ctx: DriverContext): Promise<ResizeOutcome> {
  if (change.diskGb !== undefined && data.bootImage !== 'cloud') {
    throw new FlotillaError('UNSUPPORTED', `the disk of ${data.vm} is a boot2docker VMDK, which VBoxManage cannot resize: leave out --disk, or make a new machine with the cloud image and a bigger --disk`);
  }
  const notes: string[] = [];
  const settings = [...(change.cpus !== undefined ? ['--cpus', String(change.cpus)] : []), ...(change.memoryMb !== undefined ? ['--memory', String(change.memoryMb)] : [])];
  if (settings.length) await v.out(['modifyvm', data.vm, ...settings], data.vm);
  if (change.diskGb !== undefined) {
    await v.out(['modifymedium', 'disk', path.join(ctx.machineDir, 'disk.vdi'), '--resize', String(change.diskGb * 1024)], data.vm);
    notes.push(`the disk of ${data.vm} is ${change.diskGb} GB; the guest grows its root file system to it at the next start (cloud-init growpart)`);
  }
  return { notes };
}
