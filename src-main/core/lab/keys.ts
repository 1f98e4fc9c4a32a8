// One SSH key pair per lab (ed25519), installed as root's authorized_keys on every node of that lab.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ensureKeyPairFiles, type KeyPairFiles } from '../sshkeys';
import { labCacheDir } from './image';

export type LabKey = KeyPairFiles;

export function labStateDir(lab: string): string {
  return path.join(labCacheDir(), 'labs', lab);
}

/** Where Flotilla records the lab hosts' SSH keys (read from each node through the local engine when it starts):
 * separate from the user's known_hosts, so the lab's own connections trust only the lab's nodes. */
export function labKnownHostsFile(lab: string): string {
  return path.join(labStateDir(lab), 'known_hosts');
}

/** The lab's key pair, generated on first use. Call under the lab's lock. */
export async function ensureLabKey(lab: string): Promise<LabKey> {
  return ensureKeyPairFiles(path.join(labStateDir(lab), 'id_ed25519'), `flotilla-lab-${lab}`, 0o644);
}

export async function removeLabKey(lab: string): Promise<void> {
  await fs.rm(labStateDir(lab), { recursive: true, force: true });
}
