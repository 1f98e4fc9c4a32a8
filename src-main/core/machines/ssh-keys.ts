// One SSH key pair per machine (ed25519, OpenSSH format, private key 0600).
import ssh2 from 'ssh2';
import { ensureKeyPairFiles } from '../sshkeys';
import type { MachineStore } from './store';

export interface SshKeyPair {
  privateKeyPath: string;
  publicKey: string;
}

export async function ensureMachineKey(store: MachineStore, name: string): Promise<SshKeyPair> {
  // 0600 for the public half too: a machine's folder holds only what its owner may read
  const { identity, publicKey } = await ensureKeyPairFiles(store.sshKeyPath(name), `flotilla-${name}`, 0o600);
  return { privateKeyPath: identity, publicKey };
}

/** The OpenSSH public line of any private key ssh2 can read (for keys given to the generic driver). */
export function publicKeyOf(privateKey: string): string {
  const k = ssh2.utils.parseKey(privateKey);
  if (k instanceof Error) throw k;
  const key = Array.isArray(k) ? k[0] : k;
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}
