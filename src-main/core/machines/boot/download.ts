// Boot image downloads: a cache folder, resume with HTTP Range from a `.part` file, sha256 verification,
// progress callbacks. A cached file is used again only when its checksum still matches.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { FlotillaError } from '../../../api/errors.js';
import { ensurePrivateDir, PRIVATE_FILE } from '../../fsutil';

export interface DownloadProgress {
  received: number;
  total?: number;
  resumed: boolean;
}

export interface DownloadOptions {
  url: string;
  cacheDir: string;
  /** file name in the cache (default: last path segment of the URL) */
  fileName?: string;
  /** expected sha256 (hex); or sha256SumsUrl to read it from a SHA256SUMS file */
  sha256?: string;
  sha256SumsUrl?: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

function get(url: string, headers: Record<string, string>, signal?: AbortSignal, redirects = 5): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null;
    if (!mod) return reject(new FlotillaError('BAD_INPUT', `cannot download ${url}: only http and https URLs are supported`));
    const req = mod.get(u, { headers, ...(signal ? { signal } : {}) }, (res) => {
      const code = res.statusCode ?? 0;
      if (code >= 300 && code < 400 && res.headers.location) {
        res.resume();
        if (redirects <= 0) return reject(new FlotillaError('UNREACHABLE', `too many redirects downloading ${url}`));
        return resolve(get(new URL(res.headers.location, u).toString(), headers, signal, redirects - 1));
      }
      resolve(res);
    });
    req.on('error', (e) => reject(new FlotillaError('UNREACHABLE', `cannot download ${url}: ${e.message}; check the network or the URL`, { cause: e })));
  });
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const c of fs.createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

/** Finds `name` in a SHA256SUMS file ("<hex>  name" or "<hex> *name"). */
export function parseSha256Sums(text: string, name: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line.trim());
    if (m && (m[2] === name || path.posix.basename(m[2]!) === name)) return m[1]!.toLowerCase();
  }
  return undefined;
}

export async function download(o: DownloadOptions): Promise<string> {
  const name = o.fileName ?? path.posix.basename(new URL(o.url).pathname);
  if (!name) throw new FlotillaError('BAD_INPUT', `cannot tell a file name from ${o.url}: give one`);
  await ensurePrivateDir(o.cacheDir);
  const target = path.join(o.cacheDir, name);
  const part = `${target}.part`;

  let expected = o.sha256?.toLowerCase();
  if (!expected && o.sha256SumsUrl) {
    const res = await get(o.sha256SumsUrl, {}, o.signal);
    if (res.statusCode !== 200) {
      res.resume();
      throw new FlotillaError('UNREACHABLE', `cannot read checksums from ${o.sha256SumsUrl}: HTTP ${res.statusCode}`);
    }
    expected = parseSha256Sums(await readAll(res), name);
    if (!expected) throw new FlotillaError('NOT_FOUND', `${o.sha256SumsUrl} lists no checksum for ${name}`);
  }

  if (fs.existsSync(target)) {
    if (!expected || (await sha256File(target)) === expected) return target;
    await fsp.rm(target, { force: true });
  }

  let have = fs.existsSync(part) ? (await fsp.stat(part)).size : 0;
  const res = await get(o.url, have > 0 ? { Range: `bytes=${have}-` } : {}, o.signal);
  const code = res.statusCode ?? 0;
  if (code === 416) {
    // the part file is already complete (or bigger than the file): start over
    res.resume();
    await fsp.rm(part, { force: true });
    return download(o);
  }
  if (code !== 200 && code !== 206) {
    res.resume();
    throw new FlotillaError('UNREACHABLE', `cannot download ${o.url}: HTTP ${code}`);
  }
  const resumed = code === 206 && have > 0;
  if (!resumed) have = 0;
  const len = Number(res.headers['content-length'] ?? NaN);
  const total = Number.isFinite(len) ? have + len : undefined;
  const out = fs.createWriteStream(part, { flags: resumed ? 'a' : 'w', mode: PRIVATE_FILE });
  let received = have;
  try {
    for await (const c of res) {
      const chunk = c as Buffer;
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      o.onProgress?.({ received, ...(total !== undefined ? { total } : {}), resumed });
    }
  } finally {
    await new Promise<void>((r) => out.end(() => r()));
  }
  if (total !== undefined && received < total) throw new FlotillaError('UNREACHABLE', `download of ${o.url} stopped at ${received} of ${total} bytes; try again to resume`);
  if (expected) {
    const got = await sha256File(part);
    if (got !== expected) {
      await fsp.rm(part, { force: true });
      throw new FlotillaError('INTERNAL', `${name} from ${o.url} has sha256 ${got} but ${expected} was expected; the file was deleted, try again`);
    }
  }
  await fsp.chmod(part, PRIVATE_FILE);
  await fsp.rename(part, target);
  return target;
}
