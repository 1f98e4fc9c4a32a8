// boot2docker's legacy "magic" userdata disk: an uncompressed tar at byte 0 of the raw disk whose first
// entry is "boot2docker, please format-me". boot2docker's autoformat copies only the first 4096 bytes,
// so the whole tar (end blocks included) must fit in 4 KB. authorized_keys2 (which docker-machine also
// wrote) is left out: OpenSSH dropped it long ago, and it would push a 2048-bit key past 4 KB.
import fs from 'node:fs/promises';

export const B2D_MAGIC = 'boot2docker, please format-me';
export const B2D_LIMIT = 4096;

function header(name: string, size: number, mode: number, type: '0' | '5', mtime: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(mode.toString(8).padStart(7, '0') + '\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii'); // uid
  h.write('0000000\0', 116, 'ascii'); // gid
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  h.write(mtime.toString(8).padStart(11, '0') + '\0', 136, 'ascii');
  h.fill(0x20, 148, 156); // checksum counted as spaces
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

function entry(name: string, data: Buffer | null, mode: number, mtime: number): Buffer {
  if (data === null) return header(name, 0, mode, '5', mtime);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header(name, data.length, mode, '0', mtime), data, pad]);
}

export function b2dUserdataTar(sshPublicKey: string, date = new Date()): Buffer {
  const mtime = Math.floor(date.getTime() / 1000);
  const key = Buffer.from(sshPublicKey.trim() + '\n', 'utf8');
  const tar = Buffer.concat([
    entry(B2D_MAGIC, Buffer.from(B2D_MAGIC, 'utf8'), 0o644, mtime),
    entry('.ssh/', null, 0o700, mtime),
    entry('.ssh/authorized_keys', key, 0o644, mtime),
    Buffer.alloc(1024),
  ]);
  if (tar.length > B2D_LIMIT)
    throw new Error(`the boot2docker userdata tar is ${tar.length} bytes but boot2docker reads only the first ${B2D_LIMIT}: use an ed25519 or RSA-2048 SSH key`);
  return tar;
}

/** Writes a raw disk of `sizeBytes` (sparse) with the userdata tar at offset 0. */
export async function writeB2dRawDisk(file: string, sshPublicKey: string, sizeBytes: number): Promise<void> {
  const tar = b2dUserdataTar(sshPublicKey);
  const fh = await fs.open(file, 'w', 0o600);
  try {
    await fh.write(tar, 0, tar.length, 0);
    await fh.truncate(sizeBytes);
  } finally {
    await fh.close();
  }
}
