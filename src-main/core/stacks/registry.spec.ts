import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { familiarTagged, parseReference, registryAuthFor } from './registry';

describe('image references', () => {
  it.each([
    ['nginx', 'nginx:latest'],
    ['nginx:1.25', 'nginx:1.25'],
    ['docker.io/library/nginx', 'nginx:latest'],
    ['index.docker.io/library/nginx:1', 'nginx:1'],
    ['flotilla-lab/busybox:latest', 'flotilla-lab/busybox:latest'],
    ['registry.local:5000/team/app', 'registry.local:5000/team/app:latest'],
    ['nginx@sha256:abc', 'nginx@sha256:abc'],
  ])('%s -> %s', (ref, want) => expect(familiarTagged(ref)).toBe(want));
  it('domains', () => {
    expect(parseReference('ghcr.io/a/b:1').domain).toBe('ghcr.io');
    expect(parseReference('a/b').domain).toBe('docker.io');
  });
});

describe('registry auth from config.json', () => {
  it('builds base64url X-Registry-Auth for the image domain, none when absent', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-auth-'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('me:pw?>').toString('base64') }, 'registry.local:5000': { username: 'u', password: 'p' } } }));
    const hub = JSON.parse(Buffer.from(registryAuthFor('nginx', dir)!, 'base64url').toString()) as Record<string, string>;
    expect(hub).toMatchObject({ username: 'me', password: 'pw?>', serveraddress: 'https://index.docker.io/v1/' });
    expect(registryAuthFor('nginx', dir)).not.toMatch(/[+/=]/);
    expect(JSON.parse(Buffer.from(registryAuthFor('registry.local:5000/x', dir)!, 'base64url').toString())).toMatchObject({ username: 'u', password: 'p' });
    expect(registryAuthFor('ghcr.io/x/y', dir)).toBeUndefined();
    fs.rmSync(dir, { recursive: true });
  });
});
