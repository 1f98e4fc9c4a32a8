// SSH key pairs: those Flotilla makes for itself (the lab's, each machine's: ed25519, OpenSSH format, private key
// 0600, written atomically) and the public half of a key it is given. Neutral ground for lab/ and machines/, which
// keep the pairs in their own places.
import fs from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import { ensurePrivateDir, writeFileAtomic } from './fsutil';

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

export interface KeyPairFiles {
  /** absolute path of the private key (mode 0600) */
  identity: string;
  /** the OpenSSH public line */
  publicKey: string;
}

/**
 * The pair at `identity` and `identity.pub`, made on first use (or when either file is missing). The private key
 * is written 0600, the public one with `publicMode`; the folder is made 0700 when missing.
 */
export async function ensureKeyPairFiles(identity: string, comment: string, publicMode: number): Promise<KeyPairFiles> {
  const pub = `${identity}.pub`;
  try {
    const publicKey = (await fs.readFile(pub, 'utf8')).trim();
    await fs.access(identity);
    await fs.chmod(identity, 0o600);
    return { identity, publicKey };
  } catch {
    const pair = generateReadableKeyPair(comment);
    await ensurePrivateDir(path.dirname(identity));
    await writeFileAtomic(identity, pair.private, { mode: 0o600 });
    await writeFileAtomic(pub, pair.public.trim() + '\n', { mode: publicMode });
    return { identity, publicKey: pair.public.trim() };
  }
}

export interface SshKeyPair {
  privateKeyPath: string;
  publicKey: string;
}

/** One pair per machine, at the path its store gives. */
export async function ensureMachineKey(store: { sshKeyPath(name: string): string }, name: string): Promise<SshKeyPair> {
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
