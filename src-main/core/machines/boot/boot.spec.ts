import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { buildSeedIso } from './cloudinit.js';
import { buildIso, primaryName } from './iso9660.js';
import { b2dUserdataTar, writeB2dRawDisk, B2D_MAGIC } from './b2d.js';
import { download, parseSha256Sums } from './download.js';
import { execFileRunner } from './runner.js';
import { ephemeralRange, waitFirstBoot, freePort } from './host.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl flotilla@test';
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-boot-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('cloud-init NoCloud seed ISO', () => {
  it('is read back by isoinfo with label cidata and the exact user-data/meta-data', async () => {
    const iso = path.join(dir, 'seed.iso');
    await fs.writeFile(iso, buildSeedIso({ hostname: 'fl-vm1', sshPublicKey: KEY }));
    const info = execFileSync('isoinfo', ['-d', '-i', iso], { encoding: 'utf8' });
    expect(info).toMatch(/Volume id: cidata/);
    expect(info).toMatch(/Joliet with UCS level 3/);
    const listing = execFileSync('isoinfo', ['-J', '-l', '-i', iso], { encoding: 'utf8' });
    expect(listing).toContain('user-data');
    expect(listing).toContain('meta-data');
    const ud = execFileSync('isoinfo', ['-J', '-i', iso, '-x', '/user-data'], { encoding: 'utf8' });
    expect(ud.startsWith('#cloud-config\n')).toBe(true);
    expect(ud).toContain('hostname: fl-vm1');
    expect(ud).toContain(KEY);
    expect(ud).toContain('name: docker');
    const md = execFileSync('isoinfo', ['-J', '-i', iso, '-x', '/meta-data'], { encoding: 'utf8' });
    expect(md).toBe('instance-id: flotilla-fl-vm1\nlocal-hostname: fl-vm1\n');
  });

  it('is extracted by 7z with the Joliet names', async () => {
    const iso = path.join(dir, 'seed7.iso');
    await fs.writeFile(iso, buildSeedIso({ hostname: 'fl-vm2', sshPublicKey: KEY, installDocker: false }));
    const out = path.join(dir, 'x7');
    execFileSync('7z', ['x', '-y', `-o${out}`, iso], { encoding: 'utf8' });
    expect((await fs.readdir(out)).sort()).toEqual(['meta-data', 'user-data']);
    const ud = await fs.readFile(path.join(out, 'user-data'), 'utf8');
    expect(ud).not.toContain('get.docker.com');
    expect(ud).toContain(KEY);
  });

  it('keeps files larger than a sector intact and uses level-2 primary names', async () => {
    const big = crypto.randomBytes(5000);
    const iso = path.join(dir, 'big.iso');
    await fs.writeFile(iso, buildIso([{ name: 'blob.bin', data: big }, { name: 'a', data: 'x' }], { volumeId: 'TEST' }));
    const got = execFileSync('isoinfo', ['-i', iso, '-x', '/BLOB.BIN;1']);
    expect(Buffer.compare(got, big)).toBe(0);
    expect(primaryName('user-data')).toBe('USER_DATA.;1');
  });

  it('refuses a bad hostname or key', () => {
    expect(() => buildSeedIso({ hostname: 'bad_name', sshPublicKey: KEY })).toThrow(/not a valid hostname/);
    expect(() => buildSeedIso({ hostname: 'ok', sshPublicKey: 'nope' })).toThrow(/not an OpenSSH public key/);
  });
});

describe('boot2docker userdata disk', () => {
  it('is a tar at offset 0 that tar -t lists, magic file first, within 4 KB', async () => {
    const raw = path.join(dir, 'userdata.img');
    await writeB2dRawDisk(raw, KEY, 8 * 1024 * 1024);
    expect((await fs.stat(raw)).size).toBe(8 * 1024 * 1024);
    const names = execFileSync('tar', ['-tf', raw], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual([B2D_MAGIC, '.ssh/', '.ssh/authorized_keys']);
    const keys = execFileSync('tar', ['-xOf', raw, '.ssh/authorized_keys'], { encoding: 'utf8' });
    expect(keys).toBe(KEY + '\n');
    const magic = execFileSync('tar', ['-xOf', raw, B2D_MAGIC], { encoding: 'utf8' });
    expect(magic).toBe(B2D_MAGIC);
    expect(b2dUserdataTar(KEY).length).toBeLessThanOrEqual(4096);
  });

  it('refuses a key that would push the tar past 4 KB', () => {
    const huge = 'ssh-rsa ' + 'A'.repeat(1600);
    expect(() => b2dUserdataTar(huge)).toThrow(/only the first 4096/);
  });
});

describe('download (local server on 127.0.0.1)', () => {
  const body = crypto.randomBytes(300_000);
  const sum = crypto.createHash('sha256').update(body).digest('hex');
  let server: http.Server;
  let base = '';
  const ranges: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/SHA256SUMS') {
        res.end(`${sum} *image.img\n${'0'.repeat(64)}  other.img\n`);
        return;
      }
      if (req.url !== '/image.img') {
        res.statusCode = 404;
        res.end();
        return;
      }
      const range = req.headers.range;
      if (range) {
        ranges.push(range);
        const start = Number(/bytes=(\d+)-/.exec(range)![1]);
        res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
        res.end(body.subarray(start));
        return;
      }
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('downloads with progress and a checksum from SHA256SUMS, then serves from the cache', async () => {
    const cache = path.join(dir, 'cache1');
    const seen: number[] = [];
    const file = await download({ url: `${base}/image.img`, cacheDir: cache, sha256SumsUrl: `${base}/SHA256SUMS`, onProgress: (p) => seen.push(p.received) });
    expect(Buffer.compare(await fs.readFile(file), body)).toBe(0);
    expect(seen.at(-1)).toBe(body.length);
    const again = await download({ url: `${base}/image.img`, cacheDir: cache, sha256: sum });
    expect(again).toBe(file);
  });

  it('resumes a partial download with an HTTP Range request', async () => {
    const cache = path.join(dir, 'cache2');
    await fs.mkdir(cache, { recursive: true });
    await fs.writeFile(path.join(cache, 'image.img.part'), body.subarray(0, 100_000));
    let resumed = false;
    const file = await download({ url: `${base}/image.img`, cacheDir: cache, sha256: sum, onProgress: (p) => (resumed = p.resumed) });
    expect(ranges).toContain('bytes=100000-');
    expect(resumed).toBe(true);
    expect(Buffer.compare(await fs.readFile(file), body)).toBe(0);
  });

  it('deletes a download whose checksum is wrong and says so', async () => {
    const cache = path.join(dir, 'cache3');
    await expect(download({ url: `${base}/image.img`, cacheDir: cache, sha256: 'f'.repeat(64) })).rejects.toThrow(/has sha256 .* but f+ was expected/);
    await expect(fs.stat(path.join(cache, 'image.img.part'))).rejects.toThrow();
  });

  it('parses SHA256SUMS lines', () => {
    expect(parseSha256Sums(`${'a'.repeat(64)} *noble.img\n`, 'noble.img')).toBe('a'.repeat(64));
    expect(parseSha256Sums('', 'x')).toBeUndefined();
  });
});

describe('execFileRunner', () => {
  it('runs without a shell, reports exit codes, and says when the program is missing', async () => {
    const r = execFileRunner();
    const echo = await r.run('echo', ['$HOME;', 'a b']);
    expect(echo).toEqual({ stdout: '$HOME; a b\n', stderr: '', code: 0 });
    const fail = await r.run('sh', ['-c', 'echo oops >&2; exit 3']);
    expect(fail).toMatchObject({ code: 3, stderr: 'oops\n' });
    const missing = await r.run('/nonexistent/VBoxManage', ['--version']);
    expect(missing).toMatchObject({ code: 127, notFound: true });
    const slow = await r.run('sleep', ['5'], { timeoutMs: 100 });
    expect(slow.timedOut).toBe(true);
  });
});

describe('first boot wait and ports', () => {
  it('retries SSH until the deadline, then says what to look at', async () => {
    let n = 0;
    const ctx = { step: () => undefined, signal: new AbortController().signal };
    const t = { host: '127.0.0.1', port: 40022, user: 'docker', privateKeyPath: '/k', knownHostsFile: '/kh' };
    const ok = await waitFirstBoot(async () => (n++ < 2 ? Promise.reject(new Error('ECONNREFUSED')) : 'Docker version 28\n'), t, 'fl1', 60_000, ctx, 1);
    expect(ok).toBe('Docker version 28');
    expect(n).toBe(3);
    await expect(waitFirstBoot(async () => Promise.reject(new Error('ECONNREFUSED')), t, 'fl1', 0, ctx, 1)).rejects.toThrow(
      'fl1 did not finish its first boot with Docker within 0 s (last: ECONNREFUSED): the VM needs internet access to install Docker; look at /var/log/cloud-init-output.log in the VM (ssh docker@127.0.0.1 -p 40022)',
    );
  });
  it('gives a free loopback port below the ephemeral range, the preferred one when free', async () => {
    const [lo] = ephemeralRange();
    for (let i = 0; i < 20; i++) {
      const p = await freePort();
      expect(p).toBeGreaterThanOrEqual(20000);
      expect(p).toBeLessThan(lo);
    }
    const p = await freePort();
    expect(await freePort(p)).toBe(p);
    expect(await freePort(p, '127.0.0.1', [p])).not.toBe(p);
  });
  it("reads the kernel's ephemeral port range, IANA's when it cannot", () => {
    expect(ephemeralRange(() => '32768\t60999\n')).toEqual([32768, 60999]);
    expect(ephemeralRange(() => 'garbage')).toEqual([49152, 65535]);
    expect(
      ephemeralRange(() => {
        throw new Error('ENOENT');
      }),
    ).toEqual([49152, 65535]);
  });
});
