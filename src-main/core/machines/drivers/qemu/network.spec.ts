import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { parse } from 'yaml';
import { generateReadableKeyPair } from '../../../sshkeys';
import { freePort, parseQemuVersion, portIsFree } from './host';
import { mcastFor, NetworkRegistry, parseSubnet, pickAddress, randomMac } from './network';
import { hostnameFor, networkConfig, seedFiles } from './seed';

describe('private network addresses', () => {
  it('picks the lowest free address from .11, or the wanted one', () => {
    expect(pickAddress('10.89.0.0/24', [])).toBe('10.89.0.11');
    expect(pickAddress('10.89.0.0/24', ['10.89.0.11', '10.89.0.13'])).toBe('10.89.0.12');
    expect(pickAddress('10.89.0.0/24', [], '10.89.0.50')).toBe('10.89.0.50');
    expect(() => pickAddress('10.89.0.0/24', ['10.89.0.50'], '10.89.0.50')).toThrow(/already used/);
    expect(() => pickAddress('10.89.0.0/24', [], '10.90.0.5')).toThrow(/not a host address in 10.89.0.0\/24/);
    expect(pickAddress('192.168.7.0/29', [])).toBe('192.168.7.2');
    expect(parseSubnet('10.89.0.77/24')).toEqual({ base: (10 << 24) + (89 << 16), prefix: 24, size: 256 });
    expect(() => parseSubnet('10.89.0.0')).toThrow(/not an IPv4 CIDR/);
  });

  it('gives each network name a stable administratively scoped multicast group', () => {
    const a = mcastFor('flotilla');
    expect(mcastFor('flotilla')).toEqual(a);
    expect(a.group).toMatch(/^239\.\d+\.\d+\.\d+$/);
    expect(a.port).toBeGreaterThanOrEqual(20000);
    expect(a.port).toBeLessThan(40000);
    expect(mcastFor('other')).not.toEqual(a);
    expect(randomMac()).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
  });

  it('leases stable addresses per machine and releases them, leaving no files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qnet-'));
    const reg = new NetworkRegistry(dir);
    const a = await reg.lease({ name: 'sw1', owner: '/m/a' });
    const b = await reg.lease({ name: 'sw1', owner: '/m/b' });
    expect([a.ip, b.ip]).toEqual(['10.89.0.11', '10.89.0.12']);
    expect((await reg.lease({ name: 'sw1', owner: '/m/a' })).ip).toBe('10.89.0.11');
    expect(a.mcastGroup).toBe(b.mcastGroup);
    await expect(reg.lease({ name: 'sw1', owner: '/m/c', subnet: '10.1.0.0/24' })).rejects.toThrow(/uses subnet 10.89.0.0\/24/);
    await reg.release('sw1', '/m/a');
    expect((await reg.lease({ name: 'sw1', owner: '/m/c' })).ip).toBe('10.89.0.11');
    await reg.release('sw1', '/m/b');
    await reg.release('sw1', '/m/c');
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('ports', () => {
  it('finds a free port and sees it taken while something listens', async () => {
    const p = await freePort();
    expect(await portIsFree(p)).toBe(true);
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(p, '127.0.0.1', () => r()));
    expect(await portIsFree(p)).toBe(false);
    const q = await freePort([p]);
    expect(q).not.toBe(p);
    await new Promise<void>((r) => srv.close(() => r()));
  });
  it('reads the QEMU version', () => {
    expect(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright')).toBe('7.2.22');
    expect(parseQemuVersion('nothing')).toBeUndefined();
  });
});

describe('seed', () => {
  const input = {
    hostname: 'Node_1.lab',
    sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTestsOnly000000000000000000000000 me@host',
    user: 'root',
    instanceId: 'flotilla-n1-abcd',
    natMac: '52:54:00:00:00:01',
    privateNet: { mac: '52:54:00:00:00:02', ip: '10.89.0.11', prefix: 24 },
  };

  it('makes a valid hostname, enables root logins for root and carries the key', () => {
    expect(hostnameFor('Node_1.lab')).toBe('node-1-lab');
    const files = Object.fromEntries(seedFiles(input).map((f) => [f.name, f.data]));
    expect(files['user-data']).toMatch(/^#cloud-config\ndisable_root: false\n/);
    expect(files['user-data']).toContain(input.sshPublicKey);
    expect(files['meta-data']).toBe('instance-id: flotilla-n1-abcd\nlocal-hostname: node-1-lab\n');
  });

  it("gives cloud-init the host key Flotilla made (ssh_keys), so it is known before the VM boots", () => {
    const hostKey = generateReadableKeyPair('flotilla-host-n1');
    const ud = parse(Object.fromEntries(seedFiles({ ...input, hostKey }).map((f) => [f.name, f.data]))['user-data']) as { ssh_keys?: Record<string, string> };
    expect(ud.ssh_keys).toEqual({ ed25519_private: hostKey.private.trimEnd() + '\n', ed25519_public: hostKey.public.trim() });
    expect(ssh2.utils.parseKey(ud.ssh_keys!.ed25519_private)).not.toBeInstanceOf(Error);
    expect(parse(seedFiles(input)[0].data)).not.toHaveProperty('ssh_keys');
  });

  it('writes network-config v2 for cloud-init: the NAT NIC on DHCP, the private NIC static, both matched by MAC', () => {
    expect(parse(networkConfig(input))).toEqual({
      version: 2,
      ethernets: {
        nat0: { match: { macaddress: '52:54:00:00:00:01' }, dhcp4: true },
        swarm0: { match: { macaddress: '52:54:00:00:00:02' }, dhcp4: false, addresses: ['10.89.0.11/24'] },
      },
    });
  });
});
