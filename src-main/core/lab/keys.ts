// One SSH key pair per lab (ed25519), installed as root's authorized_keys on every node of that lab.
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fsutil';
import { generateReadableKeyPair } from '../machines/ssh-keys';
import { labCacheDir } from './image';

export interface LabKey {
  /** absolute path of the private key (mode 0600) */
  identity: string;
  publicKey: string;
}

export function labStateDir(lab: string): string {
  return path.join(labCacheDir(), 'labs', lab);
}

/** Where Flotilla pins the lab hosts' SSH keys: separate from the user's known_hosts, because a rebuilt lab
 * node comes back at the same address with a new host key (ensureContainer forgets it then). */
export function labKnownHostsFile(lab: string): string {
  return path.join(labStateDir(lab), 'known_hosts');
}

/** Drops the pinned host keys of one address (the node at that address is being recreated). */
export async function forgetLabHostKey(lab: string, ip: string): Promise<void> {
  const file = labKnownHostsFile(lab);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return; // nothing pinned yet
  }
  const kept = text.split('\n').filter((line) => {
    const hosts = line.trim().split(/\s+/)[0]?.split(',') ?? [];
    return !hosts.some((h) => h === ip || h === `[${ip}]:22`);
  });
  await writeFileAtomic(file, kept.join('\n'), { mode: 0o600 });
}

/** The lab's key pair, generated on first use. Call under the lab's lock. */
export async function ensureLabKey(lab: string): Promise<LabKey> {
  const identity = path.join(labStateDir(lab), 'id_ed25519');
  const pub = `${identity}.pub`;
  if (!existsSync(identity) || !existsSync(pub)) {
    const pair = generateReadableKeyPair(`flotilla-lab-${lab}`);
    await fs.mkdir(path.dirname(identity), { recursive: true, mode: 0o700 });
    await writeFileAtomic(identity, pair.private, { mode: 0o600 });
    await writeFileAtomic(pub, pair.public.trim() + '\n', { mode: 0o644 });
  }
  await fs.chmod(identity, 0o600);
  return { identity, publicKey: (await fs.readFile(pub, 'utf8')).trim() };
}

export async function removeLabKey(lab: string): Promise<void> {
  await fs.rm(labStateDir(lab), { recursive: true, force: true });
}
