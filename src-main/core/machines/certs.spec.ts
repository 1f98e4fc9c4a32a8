import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certInfo, ensureStoreCerts, writeMachineCerts } from './certs';
import { MachineStore } from './store';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fma-certs-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('certificates', () => {
  it('makes a CA, client and server cert that openssl verifies, with SANs and expiry', async () => {
    const s = new MachineStore(dir);
    await s.reserve('m1');
    await writeMachineCerts(s, 'm1', ['10.1.2.3', 'node.example', '10.1.2.3']);
    const ca = path.join(s.certsDir, 'ca.pem');
    const server = path.join(s.machineDir('m1'), 'server.pem');
    const client = path.join(s.certsDir, 'cert.pem');
    const out = execFileSync('openssl', ['verify', '-CAfile', ca, server, client]).toString();
    expect(out).toContain(`${server}: OK`);
    expect(out).toContain(`${client}: OK`);
    const purpose = execFileSync('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', ca, server]).toString();
    expect(purpose).toContain('OK');
    expect(() => execFileSync('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', ca, client], { stdio: 'pipe' })).toThrow();
    const info = certInfo(await fs.readFile(server, 'utf8'));
    expect(info.sans.sort()).toEqual(['10.1.2.3', '127.0.0.1', 'localhost', 'm1', 'node.example'].sort());
    const days = (Date.parse(info.notAfter) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(1000);
    const text = execFileSync('openssl', ['x509', '-in', server, '-noout', '-ext', 'subjectAltName']).toString();
    expect(text).toMatch(/IP Address:10\.1\.2\.3/);
    expect(text).toMatch(/DNS:localhost/);
    for (const f of ['ca-key.pem', 'key.pem']) expect((await fs.stat(path.join(s.certsDir, f))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(s.machineDir('m1'), 'server-key.pem'))).mode & 0o777).toBe(0o600);
  });

  it('keeps the CA unless forced, and regenerates it when forced', async () => {
    const s = new MachineStore(dir);
    const a = await ensureStoreCerts(s);
    const b = await ensureStoreCerts(s);
    expect(b.ca.cert).toBe(a.ca.cert);
    const c = await ensureStoreCerts(s, true);
    expect(c.ca.cert).not.toBe(a.ca.cert);
    expect(c.client.cert).not.toBe(a.client.cert);
  });
});
