import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { overlayArgs, qemuArgs, qemuOptValue, type QemuVmConfig } from './args';
import { probeMediaArgs } from './accel';
import { QemuDriver } from './driver';
import { findAarch64Firmware } from './host';

const base: QemuVmConfig = {
  name: 'n1',
  arch: 'x86_64',
  accel: 'tcg',
  cpus: 2,
  memoryMb: 1024,
  boot: { kind: 'kernel', kernel: '/img/vmlinuz', initrd: '/img/initrd.img', append: 'console=ttyS0 root=/dev/vda rw' },
  overlay: '/m/n1/qemu/overlay.qcow2',
  seed: '/m/n1/qemu/seed.iso',
  sshPort: 40022,
  dockerPort: 40376,
  natMac: '52:54:00:00:00:01',
  privateNet: { mcastGroup: '239.1.2.3', mcastPort: 23456, mac: '52:54:00:00:00:02' },
  consoleLog: '/m/n1/qemu/console.log',
  qmpSocket: '/m/n1/qemu/qmp.sock',
  pidFile: '/m/n1/qemu/qemu.pid',
};

describe('paths and names with commas (QEMU reads a doubled comma as one inside key=value options)', () => {
  it.each([
    ['/plain/path', '/plain/path'],
    ['/a,b/overlay.qcow2', '/a,,b/overlay.qcow2'],
    ['/a,,b', '/a,,,,b'],
    ['/x,format=raw,file=/etc/shadow', '/x,,format=raw,,file=/etc/shadow'],
    ['', ''],
  ])('qemuOptValue(%j) = %j', (v, escaped) => {
    expect(qemuOptValue(v)).toBe(escaped);
  });

  // every option value built from a path or a name; the comment says why the others are passed whole
  const home = '/Users/ann,b/Flotilla,x=y/machines/n1/qemu';
  const hostile: QemuVmConfig = {
    ...base,
    name: 'n,1',
    boot: { kind: 'kernel', kernel: `${home}/vmlinuz`, initrd: `${home}/initrd.img`, append: 'console=ttyS0 root=/dev/vda rw' },
    overlay: `${home}/overlay.qcow2`,
    seed: `${home}/seed.iso`,
    consoleLog: `${home}/console.log`,
    qmpSocket: `${home}/qmp.sock`,
    pidFile: `${home}/qemu.pid`,
    firmware: `${home}/edk2,code.fd`,
  };
  const esc = '/Users/ann,,b/Flotilla,,x=y/machines/n1/qemu';
  it.each([
    // [option, expected value]: QemuOpts values doubled...
    ['-name', 'flotilla-n,,1'],
    ['-qmp', `unix:${esc}/qmp.sock,server=on,wait=off`],
    // ...arguments QEMU takes whole (checked against qemu-system-x86_64 7.2: `-kernel /a,,b` opens "/a,,b") left as they are
    ['-kernel', `${home}/vmlinuz`],
    ['-initrd', `${home}/initrd.img`],
    ['-bios', `${home}/edk2,code.fd`],
    ['-serial', `file:${home}/console.log`],
    ['-pidfile', `${home}/qemu.pid`],
  ])('%s gets %j', (flag, value) => {
    const a = qemuArgs(hostile);
    expect(a[a.indexOf(flag) + 1]).toBe(value);
  });
  it('-drive file= doubles the commas of both disks, so no path can add drive options', () => {
    const drives = qemuArgs(hostile).flatMap((x, i, a) => (a[i - 1] === '-drive' ? [x] : []));
    expect(drives).toEqual([`file=${esc}/overlay.qcow2,format=qcow2,if=virtio,discard=unmap`, `file=${esc}/seed.iso,format=raw,if=virtio,readonly=on`]);
  });
  it('the accelerator probe escapes its disk the same way', () => {
    expect(probeMediaArgs({ kind: 'disk', disk: '/c,d/x.qcow2', format: 'qcow2' })).toEqual(['-drive', 'file=/c,,d/x.qcow2,format=qcow2,if=virtio,snapshot=on']);
  });
});

describe('qemuArgs', () => {
  it('builds the exact command line for a kernel bundle under tcg with a private network', () => {
    expect(qemuArgs(base)).toEqual([
      '-name', 'flotilla-n1',
      '-machine', 'pc',
      '-accel', 'tcg',
      '-smp', '2', '-m', '1024',
      '-display', 'none', '-vga', 'none', '-monitor', 'none',
      '-kernel', '/img/vmlinuz', '-initrd', '/img/initrd.img', '-append', 'console=ttyS0 root=/dev/vda rw',
      '-drive', 'file=/m/n1/qemu/overlay.qcow2,format=qcow2,if=virtio,discard=unmap',
      '-drive', 'file=/m/n1/qemu/seed.iso,format=raw,if=virtio,readonly=on',
      '-netdev', 'user,id=nat,hostfwd=tcp:127.0.0.1:40022-:22,hostfwd=tcp:127.0.0.1:40376-:2376',
      '-device', 'virtio-net-pci,netdev=nat,mac=52:54:00:00:00:01',
      '-netdev', 'socket,id=swarm,mcast=239.1.2.3:23456,localaddr=127.0.0.1',
      '-device', 'virtio-net-pci,netdev=swarm,mac=52:54:00:00:00:02',
      '-serial', 'file:/m/n1/qemu/console.log',
      '-qmp', 'unix:/m/n1/qemu/qmp.sock,server=on,wait=off',
      '-pidfile', '/m/n1/qemu/qemu.pid', '-daemonize',
    ]);
  });

  it('boots a cloud disk under kvm with the host CPU and no private network', () => {
    const { privateNet: _drop, ...noNet } = base;
    const a = qemuArgs({ ...noNet, accel: 'kvm', boot: { kind: 'disk' } });
    expect(a.slice(0, 8)).toEqual(['-name', 'flotilla-n1', '-machine', 'pc', '-accel', 'kvm', '-cpu', 'host']);
    expect(a).not.toContain('-kernel');
    expect(a.filter((x) => x === '-netdev')).toHaveLength(1);
    expect(a.join(' ')).not.toContain('mcast');
  });

  it('uses the virt machine and UEFI firmware for aarch64 under hvf', () => {
    const a = qemuArgs({ ...base, arch: 'aarch64', accel: 'hvf', boot: { kind: 'disk' }, firmware: '/opt/homebrew/share/qemu/edk2-aarch64-code.fd' });
    expect(a.slice(2, 8)).toEqual(['-machine', 'virt', '-accel', 'hvf', '-cpu', 'host']);
    expect(a).toContain('-bios');
    expect(a[a.indexOf('-bios') + 1]).toBe('/opt/homebrew/share/qemu/edk2-aarch64-code.fd');
  });
});

describe('overlayArgs', () => {
  it('makes a qcow2 overlay with an explicit backing format', () => {
    expect(overlayArgs('/c/rootfs.raw', 'raw', '/m/overlay.qcow2', 20)).toEqual(['create', '-f', 'qcow2', '-F', 'raw', '-b', '/c/rootfs.raw', '/m/overlay.qcow2', '20G']);
  });
});

describe('Apple silicon (aarch64 + hvf)', () => {
  it("finds Homebrew's edk2 firmware beside qemu and passes it with -bios on -machine virt", () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'brew-'));
    fs.mkdirSync(path.join(prefix, 'bin'));
    fs.mkdirSync(path.join(prefix, 'share', 'qemu'), { recursive: true });
    const qemu = path.join(prefix, 'bin', 'qemu-system-aarch64');
    fs.writeFileSync(qemu, '');
    const fw = path.join(prefix, 'share', 'qemu', 'edk2-aarch64-code.fd');
    fs.writeFileSync(fw, '');
    const d = new QemuDriver({ arch: 'aarch64', platform: 'darwin', qemuBinary: qemu });
    expect(d.firmwareFor({ kind: 'disk' }, qemu)).toBe(fw);
    // the kernel bundle (x86 test image) boots without firmware
    expect(d.firmwareFor({ kind: 'kernel', kernel: 'k', initrd: 'i', append: '' }, qemu)).toBeUndefined();
    const a = qemuArgs({ ...base, arch: 'aarch64', accel: 'hvf', boot: { kind: 'disk' }, firmware: d.firmwareFor({ kind: 'disk' }, qemu) });
    expect(a.slice(0, 15)).toEqual(['-name', 'flotilla-n1', '-machine', 'virt', '-accel', 'hvf', '-cpu', 'host', '-smp', '2', '-m', '1024', '-display', 'none', '-vga']);
    expect(a.slice(a.indexOf('-bios'), a.indexOf('-bios') + 4)).toEqual(['-bios', fw, '-drive', 'file=/m/n1/qemu/overlay.qcow2,format=qcow2,if=virtio,discard=unmap']);
    expect(a).not.toContain('-kernel');
    // the probe boots the same disk with the same firmware
    expect(d.probeMedia({ base: '/c/d.qcow2', format: 'qcow2', firmware: fw }).media).toEqual({ kind: 'disk', disk: '/c/d.qcow2', format: 'qcow2', firmware: fw });
    fs.rmSync(prefix, { recursive: true });
  });

  it('refuses an aarch64 cloud disk without firmware, naming the package to install', () => {
    const d = new QemuDriver({ arch: 'aarch64', platform: 'linux', qemuBinary: '/nonexistent/bin/qemu-system-aarch64' });
    if (findAarch64Firmware('/nonexistent/bin/qemu-system-aarch64')) return; // this host has firmware installed system-wide
    expect(() => d.firmwareFor({ kind: 'disk' }, '/nonexistent/bin/qemu-system-aarch64')).toThrow(/qemu-efi-aarch64/);
    expect(d.probeMedia({ base: '/c/d.qcow2', format: 'qcow2' })).toEqual({ why: 'no UEFI firmware to boot the aarch64 image with' });
  });
});
