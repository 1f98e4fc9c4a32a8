// The exact qemu-system command line for one machine, from its driver data (pure: unit tested).
import type { QemuArch } from './host';

export type Accel = 'kvm' | 'hvf' | 'tcg';

/** Boot media: a disk image that boots by itself (cloud qcow2), or a kernel + initrd + root disk bundle. */
export type BootMedia =
  | { kind: 'disk' }
  | { kind: 'kernel'; kernel: string; initrd: string; append: string };

export interface QemuVmConfig {
  name: string;
  arch: QemuArch;
  accel: Accel;
  cpus: number;
  memoryMb: number;
  boot: BootMedia;
  /** the machine's copy-on-write qcow2 overlay */
  overlay: string;
  /** the NoCloud seed (ISO9660, label cidata), attached read-only as a second virtio disk */
  seed: string;
  sshPort: number;
  dockerPort: number;
  natMac: string;
  /** the private network shared by the machines of one swarm, or none */
  privateNet?: { mcastGroup: string; mcastPort: number; mac: string };
  consoleLog: string;
  qmpSocket: string;
  pidFile: string;
  /** aarch64 needs UEFI firmware to boot a cloud disk */
  firmware?: string;
}

/**
 * A value inside a QEMU `key=value,key=value` option (QemuOpts): a comma there ends the value, and QEMU reads a
 * doubled comma as one literal comma. Option arguments QEMU takes whole (-kernel, -initrd, -append, -bios,
 * -pidfile, -serial file:PATH) are passed as they are: doubling there would change the path.
 */
export const qemuOptValue = (v: string): string => v.replace(/,/g, ',,');

export function qemuArgs(c: QemuVmConfig): string[] {
  const o = qemuOptValue;
  const a: string[] = ['-name', o(`flotilla-${c.name}`)];
  if (c.arch === 'aarch64') a.push('-machine', 'virt');
  else a.push('-machine', 'pc');
  a.push('-accel', c.accel);
  // kvm/hvf pass the host CPU through; tcg keeps QEMU's default x86 model (the verified recipe: a
  // richer emulated CPU makes glibc pick AVX paths that are slower to emulate); aarch64 needs a 64-bit one
  if (c.accel !== 'tcg') a.push('-cpu', 'host');
  else if (c.arch === 'aarch64') a.push('-cpu', 'cortex-a72');
  a.push('-smp', String(c.cpus), '-m', String(c.memoryMb));
  a.push('-display', 'none', '-vga', 'none', '-monitor', 'none');
  if (c.firmware) a.push('-bios', c.firmware);
  if (c.boot.kind === 'kernel') a.push('-kernel', c.boot.kernel, '-initrd', c.boot.initrd, '-append', c.boot.append);
  a.push('-drive', `file=${o(c.overlay)},format=qcow2,if=virtio,discard=unmap`);
  a.push('-drive', `file=${o(c.seed)},format=raw,if=virtio,readonly=on`);
  a.push(
    '-netdev',
    `user,id=nat,hostfwd=tcp:127.0.0.1:${c.sshPort}-:22,hostfwd=tcp:127.0.0.1:${c.dockerPort}-:2376`,
    '-device',
    `virtio-net-pci,netdev=nat,mac=${o(c.natMac)}`,
  );
  if (c.privateNet) {
    a.push(
      '-netdev',
      `socket,id=swarm,mcast=${o(c.privateNet.mcastGroup)}:${c.privateNet.mcastPort},localaddr=127.0.0.1`,
      '-device',
      `virtio-net-pci,netdev=swarm,mac=${o(c.privateNet.mac)}`,
    );
  }
  a.push('-serial', `file:${c.consoleLog}`);
  // `-serial file:PATH` takes the rest as the path; `-qmp unix:PATH,...` parses options, so its commas are doubled
  a.push('-qmp', `unix:${o(c.qmpSocket)},server=on,wait=off`);
  a.push('-pidfile', c.pidFile, '-daemonize');
  return a;
}

/** Arguments of `qemu-img create` for a copy-on-write overlay on a base image. */
export function overlayArgs(base: string, baseFormat: string, overlay: string, sizeGb: number): string[] {
  return ['create', '-f', 'qcow2', '-F', baseFormat, '-b', base, overlay, `${sizeGb}G`];
}
