import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contextDirName, currentContextName, listContexts } from './context';
import { resolveLocalTarget } from './local';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-ctx-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeContext(name: string, host: string, opts: { tls?: boolean; skipVerify?: boolean } = {}): void {
  const h = contextDirName(name);
  const meta = path.join(dir, 'contexts', 'meta', h);
  fs.mkdirSync(meta, { recursive: true });
  fs.writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: { Description: `ctx ${name}` }, Endpoints: { docker: { Host: host, SkipTLSVerify: opts.skipVerify ?? false } } }));
  if (opts.tls) {
    const tls = path.join(dir, 'contexts', 'tls', h, 'docker');
    fs.mkdirSync(tls, { recursive: true });
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(tls, f), 'x');
  }
}
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ HOME: '/nonexistent-home', DOCKER_CONFIG: dir, ...extra });

describe('local engine resolution', () => {
  it('uses the platform default without DOCKER_HOST or a context', () => {
    expect(resolveLocalTarget(env(), 'linux')).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(resolveLocalTarget(env(), 'win32')).toEqual({ kind: 'npipe', pipePath: '//./pipe/docker_engine' });
  });

  it('prefers DOCKER_HOST over the current context', () => {
    writeContext('remote', 'ssh://root@10.1.1.1');
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    expect(resolveLocalTarget(env({ DOCKER_HOST: 'unix:///tmp/d.sock' }), 'linux')).toEqual({ kind: 'unix', socketPath: '/tmp/d.sock' });
    expect(resolveLocalTarget(env(), 'linux')).toEqual({ kind: 'ssh', user: 'root', host: '10.1.1.1', port: 22 });
  });

  it('lets DOCKER_CONTEXT override config.json and reads the context TLS files (sha256 of the name)', () => {
    writeContext('remote', 'ssh://root@10.1.1.1');
    writeContext('secure one', 'tcp://10.2.2.2:2376', { tls: true });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    const t = resolveLocalTarget(env({ DOCKER_CONTEXT: 'secure one' }), 'linux');
    const tlsDir = path.join(dir, 'contexts', 'tls', contextDirName('secure one'), 'docker');
    expect(t).toEqual({ kind: 'tcp', host: '10.2.2.2', port: 2376, tls: { ca: path.join(tlsDir, 'ca.pem'), cert: path.join(tlsDir, 'cert.pem'), key: path.join(tlsDir, 'key.pem') } });
  });

  it('treats "default" as no context, and tcp:// with DOCKER_TLS_VERIFY as TLS', () => {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'default' }));
    expect(currentContextName(env())).toBeUndefined();
    expect(resolveLocalTarget(env({ DOCKER_HOST: 'tcp://10.3.3.3:2376', DOCKER_TLS_VERIFY: '1' }), 'linux')).toMatchObject({ kind: 'tcp', tls: { ca: path.join(dir, 'ca.pem') } });
  });

  it('fails clearly for a missing context or one that skips TLS verification', () => {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'gone' }));
    expect(() => resolveLocalTarget(env(), 'linux')).toThrow(/docker context "gone" .* does not exist/);
    writeContext('lax', 'tcp://10.4.4.4:2376', { skipVerify: true });
    expect(() => resolveLocalTarget(env({ DOCKER_CONTEXT: 'lax' }), 'linux')).toThrow(/skips TLS verification/);
    fs.writeFileSync(path.join(dir, 'config.json'), '{not json');
    expect(() => resolveLocalTarget(env(), 'linux')).toThrow(/not valid JSON/);
  });

  it('lists contexts with the current one marked', () => {
    writeContext('b', 'tcp://10.5.5.5:2375');
    writeContext('a', 'ssh://root@10.6.6.6');
    const list = listContexts(env({ DOCKER_CONTEXT: 'b' }));
    expect(list.map((c) => [c.name, c.host, c.current])).toEqual([
      ['default', 'unix:///var/run/docker.sock', false],
      ['a', 'ssh://root@10.6.6.6', false],
      ['b', 'tcp://10.5.5.5:2375', true],
    ]);
  });
});
