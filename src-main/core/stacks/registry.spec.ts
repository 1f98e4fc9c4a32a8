import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlotillaError } from '../../api/errors';
import { authConfigFor, authConfigKey, encodeRegistryAuth, familiarTagged, parseReference, registryAuthFor } from './registry';

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
  const withConfig = async (cfg: object, fn: (dir: string) => Promise<void>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-auth-'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
    try {
      await fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  };
  // registry.EncodeAuthConfig: json.Marshal (struct order, omitempty, HTML-safe escapes) then base64.URLEncoding (padded)
  const goEncoded = (json: string) => Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

  it('encodes as the CLI does: Go JSON field order and escapes, empty fields omitted, padded base64url', () => {
    expect(encodeRegistryAuth({ username: 'me', password: 'pw?>', serveraddress: 'https://index.docker.io/v1/', identitytoken: '', registrytoken: undefined })).toBe(goEncoded('{"username":"me","password":"pw?\\u003e","serveraddress":"https://index.docker.io/v1/"}'));
    expect(encodeRegistryAuth({})).toBe('e30=');
    expect(encodeRegistryAuth({ username: '\u2028&<' })).toBe(goEncoded('{"username":"\\u2028\\u0026\\u003c"}'));
    // padding kept and the URL alphabet (values from Python's base64.urlsafe_b64encode, Go's URLEncoding)
    expect(encodeRegistryAuth({ password: 'pw' })).toBe('eyJwYXNzd29yZCI6InB3In0=');
    expect(encodeRegistryAuth({ username: 'a', password: '~~~?' })).toBe('eyJ1c2VybmFtZSI6ImEiLCJwYXNzd29yZCI6In5-fj8ifQ==');
  });

  it('auths: exact key, legacy URL keys by host, Docker Hub under https://index.docker.io/v1/; an empty auth with the key when none', () =>
    withConfig({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('me:pw:x').toString('base64') }, 'registry.local:5000': { username: 'u', password: 'p' }, 'https://old.example/v1/': { username: 'o', password: 'q', registrytoken: 'rt' } } }, async (dir) => {
      expect(authConfigKey('nginx')).toBe('https://index.docker.io/v1/');
      expect(authConfigKey('registry.local:5000/x')).toBe('registry.local:5000');
      expect(await authConfigFor('https://index.docker.io/v1/', dir)).toMatchObject({ username: 'me', password: 'pw:x', serveraddress: 'https://index.docker.io/v1/' });
      expect(await authConfigFor('registry.local:5000', dir)).toMatchObject({ username: 'u', password: 'p', serveraddress: 'registry.local:5000' });
      expect(await authConfigFor('old.example', dir)).toMatchObject({ username: 'o', serveraddress: 'https://old.example/v1/', registrytoken: 'rt' });
      expect(await registryAuthFor('ghcr.io/x/y', dir)).toBe(goEncoded('{"serveraddress":"ghcr.io"}'));
    }));

  it('credHelpers and credsStore run docker-credential-<name> get (a real program on PATH); an empty credHelpers entry means the file', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-helper-'));
    fs.writeFileSync(path.join(bin, 'docker-credential-fltest'), '#!/bin/sh\nread -r url\ncase "$url" in\n  a.example) echo \'{"ServerURL":"a.example","Username":"ann","Secret":"s1"}\';;\n  https://index.docker.io/v1/) echo \'{"ServerURL":"x","Username":"<token>","Secret":"tok"}\';;\n  broken.example) echo boom; exit 3;;\n  *) echo "credentials not found in native keychain"; exit 1;;\nesac\n', { mode: 0o755 });
    const oldPath = process.env.PATH;
    process.env.PATH = `${bin}:${oldPath}`;
    try {
      await withConfig({ credsStore: 'fltest', credHelpers: { 'file.example': '', 'missing.example': 'nosuchhelper' }, auths: { 'file.example': { username: 'f', password: 'g' } } }, async (dir) => {
        expect(await authConfigFor('a.example', dir)).toEqual({ username: 'ann', password: 's1', serveraddress: 'a.example', identitytoken: undefined, registrytoken: undefined });
        expect(await registryAuthFor('nginx', dir)).toBe(goEncoded('{"serveraddress":"https://index.docker.io/v1/","identitytoken":"tok"}'));
        expect(await registryAuthFor('nothere.example/x', dir)).toBe('e30=');
        expect(await authConfigFor('file.example', dir)).toMatchObject({ username: 'f', password: 'g', serveraddress: 'file.example' });
        await expect(authConfigFor('broken.example', dir)).rejects.toThrow(/exit status 3, out: `boom`/);
        await expect(authConfigFor('missing.example', dir)).rejects.toThrow(/docker-credential-nosuchhelper.*not found in \$PATH/);
      });
    } finally {
      process.env.PATH = oldPath;
      fs.rmSync(bin, { recursive: true });
    }
  });

  it('a helper runs asynchronously: the event loop keeps turning while it works, and one that hangs is killed after the timeout with an error naming it', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-helper-'));
    const pidFile = path.join(bin, 'slow.pid');
    // slow answers after 0.6 s; hang records its pid and never answers
    fs.writeFileSync(path.join(bin, 'docker-credential-flslow'), '#!/bin/sh\nread -r url\nsleep 0.6\necho \'{"Username":"sam","Secret":"s2"}\'\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'docker-credential-flhang'), `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 600\n`, { mode: 0o755 });
    const oldPath = process.env.PATH;
    process.env.PATH = `${bin}:${oldPath}`;
    try {
      await withConfig({ credHelpers: { 'slow.example': 'flslow', 'hang.example': 'flhang' } }, async (dir) => {
        let ticks = 0;
        const t = setInterval(() => ticks++, 20);
        try {
          expect(await authConfigFor('slow.example', dir)).toMatchObject({ username: 'sam', password: 's2' });
        } finally {
          clearInterval(t);
        }
        expect(ticks).toBeGreaterThanOrEqual(10); // spawnSync would have blocked every tick for 0.6 s

        const started = Date.now();
        const err = await authConfigFor('hang.example', dir, { helperTimeoutMs: 800 }).then(
          () => undefined,
          (e: unknown) => e as FlotillaError,
        );
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(err).toBeInstanceOf(FlotillaError);
        expect(err?.code).toBe('TIMEOUT');
        expect(err?.message).toMatch(/credential helper docker-credential-flhang did not answer `docker-credential-flhang get` for hang.example within 1 s and was stopped/);
        // the helper process is gone (killed, not left running)
        const pid = Number(fs.readFileSync(pidFile, 'utf8'));
        expect(() => process.kill(pid, 0)).toThrow();
      });
    } finally {
      process.env.PATH = oldPath;
      fs.rmSync(bin, { recursive: true });
    }
  });
});
