// What the VirtualBox driver takes (its options and image sources) and keeps (its driver data in config.json).
import { FlotillaError } from '../../../../api/errors.js';
import type { DriverData, DriverOption, MachineSpec } from '../types.js';
import { DEFAULT_HOSTONLY_CIDR } from './network.js';

export const CLOUD_IMAGE_URL = 'https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.vmdk';
export const CLOUD_IMAGE_SUMS = 'https://cloud-images.ubuntu.com/releases/noble/release/SHA256SUMS';
export const B2D_URL = 'https://github.com/boot2docker/boot2docker/releases/download/v19.03.12/boot2docker.iso';
export const SSH_USER = 'docker';

export interface ImageRequest {
  kind: 'cloud' | 'boot2docker';
  url: string;
  sha256?: string;
  sha256SumsUrl?: string;
}

export interface VBoxData {
  vm: string;
  hostOnlyCidr: string;
  hostOnlyAdapter?: string;
  sshPort?: number;
  bootImage: 'cloud' | 'boot2docker';
  ip?: string;
  hostOnlyNicType?: string;
  hostOnlyPromisc?: string;
}

export const opt = (spec: MachineSpec, flag: string): string | number | boolean | undefined => spec.options[flag];
export const str = (v: unknown, d: string): string => (typeof v === 'string' && v !== '' ? v : d);
export const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);

export function readData(d: DriverData): VBoxData {
  if (typeof d.vm !== 'string') throw new FlotillaError('BAD_INPUT', 'this machine has no VirtualBox VM name in its driver data: it was not made by the virtualbox driver');
  return {
    vm: d.vm,
    hostOnlyCidr: typeof d.hostOnlyCidr === 'string' ? d.hostOnlyCidr : DEFAULT_HOSTONLY_CIDR,
    ...(typeof d.hostOnlyAdapter === 'string' ? { hostOnlyAdapter: d.hostOnlyAdapter } : {}),
    ...(typeof d.sshPort === 'number' ? { sshPort: d.sshPort } : {}),
    bootImage: d.bootImage === 'boot2docker' ? 'boot2docker' : 'cloud',
    ...(typeof d.ip === 'string' ? { ip: d.ip } : {}),
    ...(typeof d.hostOnlyNicType === 'string' ? { hostOnlyNicType: d.hostOnlyNicType } : {}),
    ...(typeof d.hostOnlyPromisc === 'string' ? { hostOnlyPromisc: d.hostOnlyPromisc } : {}),
  };
}

export function virtualBoxOptions(): DriverOption[] {
  return [
    { flag: 'virtualbox-cpu-count', description: 'number of CPUs (default: the machine spec)', type: 'number' },
    { flag: 'virtualbox-memory', description: 'memory in MB (default: the machine spec)', type: 'number' },
    { flag: 'virtualbox-disk-size', description: 'disk size in MB (default: the machine spec)', type: 'number' },
    { flag: 'virtualbox-hostonly-cidr', description: 'host-only network, host address and prefix; must be inside 192.168.56.0/21 on VirtualBox 6.1.28+ (Linux/macOS) unless /etc/vbox/networks.conf allows it', type: 'string', default: DEFAULT_HOSTONLY_CIDR },
    { flag: 'virtualbox-boot-image', description: '"cloud" (Ubuntu 24.04 cloud image + cloud-init seed, Docker installed at first boot) or "boot2docker" (legacy, Docker 19.03)', type: 'string', default: 'cloud' },
    { flag: 'virtualbox-cloud-image-url', description: 'VMDK/VDI cloud image URL', type: 'string', default: CLOUD_IMAGE_URL },
    { flag: 'virtualbox-cloud-image-sha256', description: 'sha256 of the cloud image (default: read from the release SHA256SUMS)', type: 'string' },
    { flag: 'virtualbox-boot2docker-url', description: 'boot2docker ISO URL (legacy)', type: 'string', default: B2D_URL },
    { flag: 'virtualbox-boot2docker-sha256', description: 'sha256 of the boot2docker ISO', type: 'string' },
    { flag: 'virtualbox-nat-nictype', description: 'NIC type of the NAT adapter', type: 'string', default: '82540EM' },
    { flag: 'virtualbox-hostonly-nictype', description: 'NIC type of the host-only adapter', type: 'string', default: '82540EM' },
    { flag: 'virtualbox-hostonly-nicpromisc', description: 'promiscuous mode of the host-only adapter (deny, allow-vms, allow-all)', type: 'string', default: 'deny' },
    { flag: 'virtualbox-no-vtx-check', description: 'skip the VT-x/AMD-V and Hyper-V checks before creating', type: 'boolean', default: false },
  ];
}
