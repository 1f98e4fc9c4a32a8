// The machine's NoCloud seed: the shared user-data/meta-data from machines/boot/cloudinit.ts plus a
// network-config (v2) that pins the NAT NIC to DHCP and gives the private NIC its static address.
// Read by cloud-init, on cloud images and on the test image alike.
import { buildIso } from '../../boot/iso9660';
import { metaData, userData } from '../../boot/cloudinit';
import { writeFileAtomic } from '../../../fsutil';

export interface QemuSeedInput {
  hostname: string;
  sshPublicKey: string;
  user: string;
  instanceId: string;
  natMac: string;
  privateNet?: { mac: string; ip: string; prefix: number };
  /** the VM's SSH host key (see SeedInput.hostKey) */
  hostKey?: { private: string; public: string };
}

/** A valid hostname from a machine name (machine names may hold dots and underscores). */
export function hostnameFor(name: string): string {
  const h = name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return h || 'flotilla';
}

export function networkConfig(s: Pick<QemuSeedInput, 'natMac' | 'privateNet'>): string {
  const lines = ['version: 2', 'ethernets:', '  nat0:', '    match:', `      macaddress: "${s.natMac}"`, '    dhcp4: true'];
  if (s.privateNet) {
    lines.push('  swarm0:', '    match:', `      macaddress: "${s.privateNet.mac}"`, '    dhcp4: false', '    addresses:', `      - ${s.privateNet.ip}/${s.privateNet.prefix}`);
  }
  return lines.join('\n') + '\n';
}

export function seedFiles(s: QemuSeedInput): { name: string; data: string }[] {
  const base = { hostname: hostnameFor(s.hostname), sshPublicKey: s.sshPublicKey, user: s.user, installDocker: false, instanceId: s.instanceId, ...(s.hostKey ? { hostKey: s.hostKey } : {}) };
  let ud = userData(base);
  // root logins for the test image and for root-user machines: cloud-init disables root by default
  if (s.user === 'root') ud = ud.replace('#cloud-config\n', '#cloud-config\ndisable_root: false\n');
  return [
    { name: 'user-data', data: ud },
    { name: 'meta-data', data: metaData(base) },
    { name: 'network-config', data: networkConfig(s) },
  ];
}

export async function writeSeed(file: string, s: QemuSeedInput): Promise<void> {
  // 0600 (writeFileAtomic's default): it may hold the VM's private host key
  await writeFileAtomic(file, buildIso(seedFiles(s), { volumeId: 'cidata' }));
}
