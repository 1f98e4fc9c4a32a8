// One SSH key pair per machine (ed25519, OpenSSH format, private key 0600).
import fs from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { MachineStore } from './store';

export interface SshKeyPair {
  privateKeyPath: string;
  publicKey: string;
}

/**
 * An ed25519 pair that ssh2 itself can read back. ssh2's generateKeyPairSync('ed25519') now and then (about
 * 1 in 250 here) writes an OpenSSH private key that its own parseKey rejects as "Malformed OpenSSH private
 * key"; such a key would make the machine unreachable over SSH from Flotilla. So every pair is parsed before
 * it is kept, and a bad one is thrown away and made again.
 */
export function generateReadableKeyPair(comment: string, attempts = 20): { private: string; public: string } {
  for (let i = 0; i < attempts; i++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error(`ssh2 could not make an ed25519 key it can read back in ${attempts} attempts`);
}

export async function ensureMachineKey(store: MachineStore, name: string): Promise<SshKeyPair> {
  const privateKeyPath = store.sshKeyPath(name);
  try {
    const publicKey = (await fs.readFile(privateKeyPath + '.pub', 'utf8')).trim();
    await fs.access(privateKeyPath);
    return { privateKeyPath, publicKey };
  } catch {
    const pair = generateReadableKeyPair(`flotilla-${name}`);
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
