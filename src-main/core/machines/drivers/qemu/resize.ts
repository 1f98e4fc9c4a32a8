// `machine set` for a stopped QEMU VM: CPUs and memory are the VM's own config (driver data, read at each start into
// -smp/-m), the disk is its qcow2 overlay grown with `qemu-img resize`. A running VM is refused by the core first.
import { FlotillaError } from '../../../../api/errors';
import type { Runner } from '../../boot/runner';
import type { DriverContext, DriverData, ResizeChange, ResizeOutcome } from '../types';
import { asData, type QemuDriverData } from './data';

/** the overlay is never made smaller than 4 GB (see create), so neither is it "grown" to less */
const MIN_DISK_GB = 4;

export async function resizeQemu(runner: Runner, data: DriverData, change: ResizeChange, ctx: DriverContext): Promise<ResizeOutcome> {
  const d = asData(data);
  const notes: string[] = [];
  if (change.diskGb !== undefined) {
    const size = `${Math.max(change.diskGb, MIN_DISK_GB)}G`;
    const r = await runner.run(d.qemuImg, ['resize', d.vm.overlay, size], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new FlotillaError('INTERNAL', `qemu-img resize ${d.vm.overlay} ${size} failed: ${r.stderr.trim() || r.stdout.trim()}`);
    ctx.log(`qemu-img resize ${d.vm.overlay} ${size}`);
    notes.push(`the disk of ${d.vm.name} is ${size}B; the guest sees it at the next start (a cloud image grows its root file system to it with cloud-init growpart)`);
  }
  const vm = { ...d.vm, ...(change.cpus !== undefined ? { cpus: change.cpus } : {}), ...(change.memoryMb !== undefined ? { memoryMb: change.memoryMb } : {}) };
  const next: QemuDriverData = { ...d, vm };
  return { data: next as unknown as DriverData, notes };
}
