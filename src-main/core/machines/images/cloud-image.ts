// The real-user path: a Debian or Ubuntu cloud qcow2 downloaded once (progress, checksum, cache) and used
// as the read-only base of every machine's copy-on-write overlay. Uses machines/boot/download.ts for the
// transfer; Debian publishes SHA512SUMS only, so sha512 is checked here.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { FlotillaError } from '../../../api/errors';
import { download, type DownloadProgress } from '../boot/download';
import { withFileLock } from '../../filelock';
import { writeFileAtomic } from '../../fsutil';

export interface CloudImageSource {
  url: string;
  /** URL of a SHA256SUMS / SHA512SUMS file listing the image */
  sumsUrl?: string;
  algo?: 'sha256' | 'sha512';
  /** a known checksum instead of a sums file */
  checksum?: string;
  /** the login user cloud-init makes on this image */
  user: string;
}

const DEB = 'https://cloud.debian.org/images/cloud/bookworm/latest';
const UBU = 'https://cloud-images.ubuntu.com/noble/current';

/** Known images by name and guest architecture. */
export const CLOUD_IMAGES: Record<string, Record<'x86_64' | 'aarch64', CloudImageSource>> = {
  'debian-12': {
    x86_64: { url: `${DEB}/debian-12-genericcloud-amd64.qcow2`, sumsUrl: `${DEB}/SHA512SUMS`, algo: 'sha512', user: 'docker' },
    aarch64: { url: `${DEB}/debian-12-genericcloud-arm64.qcow2`, sumsUrl: `${DEB}/SHA512SUMS`, algo: 'sha512', user: 'docker' },
  },
  'ubuntu-24.04': {
    x86_64: { url: `${UBU}/noble-server-cloudimg-amd64.img`, sumsUrl: `${UBU}/SHA256SUMS`, algo: 'sha256', user: 'docker' },
    aarch64: { url: `${UBU}/noble-server-cloudimg-arm64.img`, sumsUrl: `${UBU}/SHA256SUMS`, algo: 'sha256', user: 'docker' },
  },
};

function fetchText(url: string, signal?: AbortSignal, redirects = 5): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.get(u, signal ? { signal } : {}, (res) => {
      const code = res.statusCode ?? 0;
      if (code >= 300 && code < 400 && res.headers.location && redirects > 0) {
        res.resume();
        resolve(fetchText(new URL(res.headers.location, u).toString(), signal, redirects - 1));
        return;
      }
      if (code !== 200) {
        res.resume();
        reject(new FlotillaError('UNREACHABLE', `cannot read ${url}: HTTP ${code}`));
        return;
      }
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (s += d));
      res.on('end', () => resolve(s));
      res.on('error', reject);
    });
    req.on('error', (e) => reject(new FlotillaError('UNREACHABLE', `cannot read ${url}: ${e.message}; check the network`)));
  });
}

export function checksumFromSums(text: string, name: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64}|[0-9a-fA-F]{128})\s+\*?(.+)$/.exec(line.trim());
    if (m && path.posix.basename(m[2]!) === name) return m[1]!.toLowerCase();
  }
  return undefined;
}

async function hashFile(file: string, algo: 'sha256' | 'sha512'): Promise<string> {
  const h = crypto.createHash(algo);
  for await (const c of fs.createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

/**
 * Downloads (or reuses) a cloud image into cacheDir and verifies its checksum. The verified checksum is
 * kept beside the image (`<file>.<algo>`) so later runs need not hash 500 MB again.
 */
export async function ensureCloudImage(o: {
  source: CloudImageSource;
  cacheDir: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}): Promise<{ file: string; format: 'qcow2'; user: string }> {
  const name = path.posix.basename(new URL(o.source.url).pathname);
  const target = path.join(o.cacheDir, name);
  const algo = o.source.algo ?? 'sha256';
  const marker = `${target}.${algo}`;
  return withFileLock(`${target}.download.lock`, async () => {
    let expected = o.source.checksum?.toLowerCase();
    if (!expected && o.source.sumsUrl) {
      expected = checksumFromSums(await fetchText(o.source.sumsUrl, o.signal), name);
      if (!expected) throw new FlotillaError('NOT_FOUND', `${o.source.sumsUrl} lists no checksum for ${name}`);
    }
    if (!expected) throw new FlotillaError('BAD_INPUT', `no checksum for ${o.source.url}: give a sums URL or a checksum`);
    if (fs.existsSync(target) && fs.existsSync(marker) && (await fsp.readFile(marker, 'utf8')).trim() === expected) {
      return { file: target, format: 'qcow2' as const, user: o.source.user };
    }
    await download({
      url: o.source.url,
      cacheDir: o.cacheDir,
      fileName: name,
      ...(algo === 'sha256' ? { sha256: expected } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const got = await hashFile(target, algo);
    if (got !== expected) {
      await fsp.rm(target, { force: true });
      throw new FlotillaError('INTERNAL', `${name} from ${o.source.url} has ${algo} ${got} but ${expected} was expected; the file was deleted, try again`);
    }
    await writeFileAtomic(marker, `${expected}\n`);
    return { file: target, format: 'qcow2' as const, user: o.source.user };
  }, 3_600_000);
}
