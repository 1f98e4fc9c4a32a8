// One SSH key pair per lab (ed25519), installed as root's authorized_keys on every node of that lab.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fsutil';
import { ensureKeyPairFiles, type KeyPairFiles } from '../sshkeys';
import { labCacheDir } from './image';

export type LabKey = KeyPairFiles;

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
  return ensureKeyPairFiles(path.join(labStateDir(lab), 'id_ed25519'), `flotilla-lab-${lab}`, 0o644);
}

export async function removeLabKey(lab: string): Promise<void> {
  await fs.rm(labStateDir(lab), { recursive: true, force: true });
}
