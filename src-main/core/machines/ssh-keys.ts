// One SSH key pair per machine (ed25519, OpenSSH format, private key 0600).
import fs from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { MachineStore } from './store';

export interface SshKeyPair {
  privateKeyPath: string;
  publicKey: string;
}

export async function ensureMachineKey(store: MachineStore, name: string): Promise<SshKeyPair> {
  const privateKeyPath = store.sshKeyPath(name);
  try {
    const publicKey = (await fs.readFile(privateKeyPath + '.pub', 'utf8')).trim();
    await fs.access(privateKeyPath);
    return { privateKeyPath, publicKey };
  } catch {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `flotilla-${name}` });
    await store.writeSecret(privateKeyPath, pair.private);
    await store.writeSecret(privateKeyPath + '.pub', pair.public.trim() + '\n');
    return { privateKeyPath, publicKey: pair.public.trim() };
  }
}

/** The OpenSSH public line of any private key ssh2 can read (for keys given to the generic driver). */
export function publicKeyOf(privateKey: string): string {
  const k = ssh2.utils.parseKey(privateKey);
  if (k instanceof Error) throw k;
  const key = Array.isArray(k) ? k[0] : k;
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}
