// cloud-init NoCloud seed: an ISO9660 volume labelled `cidata` with `user-data` and `meta-data`
// (https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html).
import { stringify } from 'yaml';
import { buildIso } from './iso9660.js';

export interface SeedInput {
  hostname: string;
  /** OpenSSH public key line */
  sshPublicKey: string;
  /** the login user made by cloud-init (sudo without password) */
  user?: string;
  /** install the current Docker engine at first boot (get.docker.com), when the image has none */
  installDocker?: boolean;
  /** install and start the Hyper-V KVP daemon so Hyper-V can report the VM's addresses */
  hypervKvp?: boolean;
  instanceId?: string;
  /** the host's ed25519 key, made by Flotilla, so its public half is known (and pinned) before the first boot */
  hostKey?: { private: string; public: string };
}

export function userData(s: SeedInput): string {
  const user = s.user ?? 'docker';
  const cfg: Record<string, unknown> = {
    hostname: s.hostname,
    preserve_hostname: false,
    users: [
      {
        name: user,
        groups: ['sudo'],
        shell: '/bin/bash',
        sudo: 'ALL=(ALL) NOPASSWD:ALL',
        lock_passwd: true,
        ssh_authorized_keys: [s.sshPublicKey.trim()],
      },
    ],
    ssh_pwauth: false,
  };
  // cloud-init's ssh module installs these instead of generating keys
  if (s.hostKey) cfg.ssh_keys = { ed25519_private: s.hostKey.private.trimEnd() + '\n', ed25519_public: s.hostKey.public.trim() };
  const runcmd: string[][] = [];
  if (s.hypervKvp) runcmd.push(['sh', '-c', 'apt-get install -y linux-cloud-tools-$(uname -r) || apt-get install -y hyperv-daemons; systemctl restart hv-kvp-daemon || true']);
  if (s.installDocker ?? true) {
    runcmd.push(['sh', '-c', 'command -v docker >/dev/null || (curl -fsSL https://get.docker.com | sh)'], ['usermod', '-aG', 'docker', user]);
  }
  if (runcmd.length) cfg.runcmd = runcmd;
  return `#cloud-config\n${stringify(cfg, { lineWidth: 0 })}`;
}

export function metaData(s: SeedInput): string {
  // through the YAML writer, so a value can never start a key of its own (plain names come out unquoted)
  return stringify({ 'instance-id': s.instanceId ?? `flotilla-${s.hostname}`, 'local-hostname': s.hostname }, { lineWidth: 0 });
}

export function buildSeedIso(s: SeedInput, date?: Date): Buffer {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(s.hostname)) throw new Error(`"${s.hostname}" is not a valid hostname: use letters, digits and dashes`);
  if (!/^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+/.test(s.sshPublicKey.trim())) throw new Error('the SSH public key is not an OpenSSH public key line');
  return buildIso(
    [
      { name: 'user-data', data: userData(s) },
      { name: 'meta-data', data: metaData(s) },
    ],
    { volumeId: 'cidata', ...(date ? { date } : {}) },
  );
}
