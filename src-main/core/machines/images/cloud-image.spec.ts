import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumFromSums, ensureCloudImage } from './cloud-image';

const image = crypto.randomBytes(300_000);
const sha256 = crypto.createHash('sha256').update(image).digest('hex');
const sha512 = crypto.createHash('sha512').update(image).digest('hex');
const hits: string[] = [];
let srv: http.Server;
let base = '';
const dirs: string[] = [];

beforeAll(async () => {
  srv = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/img/disk.qcow2') {
      res.writeHead(200, { 'content-length': String(image.length) });
      // in chunks, so progress is reported more than once
      for (let i = 0; i < image.length; i += 65536) res.write(image.subarray(i, i + 65536));
      res.end();
    } else if (req.url === '/img/SHA512SUMS') res.end(`${sha512}  other.qcow2\n${sha512}  disk.qcow2\n`);
    else if (req.url === '/img/SHA256SUMS') res.end(`${sha256} *disk.qcow2\n`);
    else if (req.url === '/img/BADSUMS') res.end(`${'0'.repeat(128)}  disk.qcow2\n`);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const a = srv.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((r) => srv.close(() => r()));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudimg-'));
  dirs.push(d);
  return d;
}

describe('ensureCloudImage (local HTTP server)', () => {
  it('downloads with progress, checks sha512 from a SHA512SUMS file and reuses the cache', async () => {
    const cacheDir = tmp();
    const progress: number[] = [];
    const src = { url: `${base}/img/disk.qcow2`, sumsUrl: `${base}/img/SHA512SUMS`, algo: 'sha512' as const, user: 'docker' };
    const r = await ensureCloudImage({ source: src, cacheDir, onProgress: (p) => progress.push(p.received) });
    expect(r).toEqual({ file: path.join(cacheDir, 'disk.qcow2'), format: 'qcow2', user: 'docker' });
    expect(fs.readFileSync(r.file).equals(image)).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(image.length);
    const before = hits.filter((h) => h === '/img/disk.qcow2').length;
    await ensureCloudImage({ source: src, cacheDir });
    expect(hits.filter((h) => h === '/img/disk.qcow2').length).toBe(before);
  });

  it('checks sha256 through the shared download helper', async () => {
    const cacheDir = tmp();
    const r = await ensureCloudImage({ source: { url: `${base}/img/disk.qcow2`, sumsUrl: `${base}/img/SHA256SUMS`, algo: 'sha256', user: 'docker' }, cacheDir });
    expect(fs.readFileSync(r.file).equals(image)).toBe(true);
  });

  it('deletes an image whose checksum does not match', async () => {
    const cacheDir = tmp();
    await expect(ensureCloudImage({ source: { url: `${base}/img/disk.qcow2`, sumsUrl: `${base}/img/BADSUMS`, algo: 'sha512', user: 'docker' }, cacheDir })).rejects.toThrow(
      /has sha512 [0-9a-f]+ but 0+ was expected; the file was deleted/,
    );
    expect(fs.existsSync(path.join(cacheDir, 'disk.qcow2'))).toBe(false);
  });

  it('names a missing checksum and an unreachable server', async () => {
    await expect(ensureCloudImage({ source: { url: `${base}/img/disk.qcow2`, sumsUrl: `${base}/img/nope`, algo: 'sha512', user: 'docker' }, cacheDir: tmp() })).rejects.toThrow(/HTTP 404/);
    expect(checksumFromSums(`${sha256}  a/b/disk.qcow2\n`, 'disk.qcow2')).toBe(sha256);
    expect(checksumFromSums('garbage\n', 'disk.qcow2')).toBeUndefined();
  });
});
