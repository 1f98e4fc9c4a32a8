// What the qemu driver keeps in the machine's config.json, and the paths it derives from the machine's folder
// (so `rm` finds the VM's files, pid and QMP socket without that data, after an interrupted create).
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { FlotillaError } from '../../../../api/errors';
import type { DriverData } from '../types';
import type { QemuVmConfig } from './args';

/** What the driver keeps in the machine's config.json. */
export interface QemuDriverData {
  driverVersion: 1;
  qemu: string;
  qemuImg: string;
  dir: string;
  vm: QemuVmConfig;
  image: { source: string; base: string; format: string };
  sshUser: string;
  network?: { name: string; subnet: string; ip: string; prefix: number };
  accelWarning?: string;
}

export function asData(d: DriverData): QemuDriverData {
  const q = d as Partial<QemuDriverData>;
  if (q.driverVersion !== 1 || !q.vm || !q.dir || !q.qemu) throw new FlotillaError('INTERNAL', 'this machine has no usable qemu driver data: remove it and create it again');
  return q as QemuDriverData;
}

export const str = (v: unknown, dflt: string): string => (typeof v === 'string' && v.trim() !== '' ? v.trim() : dflt);

/** unix socket paths are limited to ~104 bytes: long machine folders get a short path in the temp dir */
export function qmpSocketPath(dir: string): string {
  const p = path.join(dir, 'qmp.sock');
  if (Buffer.byteLength(p) < 100) return p;
  return path.join(os.tmpdir(), `flotilla-qmp-${crypto.createHash('sha256').update(dir).digest('hex').slice(0, 16)}.sock`);
}

/** the VM's own folder inside the machine's: overlay.qcow2, seed.iso, console.log, qemu.pid, qmp.sock */
export function vmDirOf(machineDir: string): string {
  return path.join(machineDir, 'qemu');
}
