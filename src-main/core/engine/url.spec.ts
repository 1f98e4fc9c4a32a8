import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { parseEngineUrl, targetToUrl } from './url';

const noEnv: NodeJS.ProcessEnv = { HOME: '/home/u' };

describe('parseEngineUrl', () => {
  it('reads unix sockets and named pipes, with defaults for empty paths', () => {
    expect(parseEngineUrl('unix:///var/run/docker.sock', {}, noEnv)).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(parseEngineUrl('unix://', {}, noEnv)).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(parseEngineUrl('npipe:////./pipe/docker_engine', {}, noEnv)).toEqual({ kind: 'npipe', pipePath: '//./pipe/docker_engine' });
  });

  it('reads tcp with and without TLS flags; the default port follows TLS', () => {
    expect(parseEngineUrl('tcp://10.0.0.5', {}, noEnv)).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 2375 });
    expect(parseEngineUrl('10.0.0.5:2375', {}, noEnv)).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 2375 });
    const t = parseEngineUrl('tcp://10.0.0.5', { tlscacert: '/c/ca.pem', tlscert: '/c/cert.pem', tlskey: '~/key.pem' }, noEnv);
    expect(t).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 2376, tls: { ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/home/u/key.pem' } });
    expect(parseEngineUrl('tcp://[fd00::1]:2376', {}, noEnv)).toEqual({ kind: 'tcp', host: 'fd00::1', port: 2376 });
  });

  it('takes TLS files from DOCKER_CERT_PATH / DOCKER_TLS_VERIFY when no flags are given', () => {
    expect(parseEngineUrl('tcp://h:2376', {}, { ...noEnv, DOCKER_CERT_PATH: '/certs' })).toMatchObject({ tls: { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem' } });
    expect(parseEngineUrl('tcp://h:2376', {}, { ...noEnv, DOCKER_TLS_VERIFY: '1' })).toMatchObject({ tls: { ca: path.join('/home/u/.docker', 'ca.pem') } });
    expect(parseEngineUrl('tcp://h:2376', {}, { ...noEnv, DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: '/dc' })).toMatchObject({ tls: { key: '/dc/key.pem' } });
  });

  it('reads ssh with user, port and key', () => {
    expect(parseEngineUrl('ssh://root@10.88.0.11', { sshKey: '/k/id' }, noEnv)).toEqual({ kind: 'ssh', user: 'root', host: '10.88.0.11', port: 22, identityFile: '/k/id' });
    expect(parseEngineUrl('ssh://deploy@host.example:2222', {}, noEnv)).toEqual({ kind: 'ssh', user: 'deploy', host: 'host.example', port: 2222 });
  });

  it('rejects what it cannot honour, naming the problem', () => {
    expect(() => parseEngineUrl('ftp://x', {}, noEnv)).toThrow(/unsupported scheme ftp/);
    expect(() => parseEngineUrl('tcp://h', { tlscacert: '/ca.pem' }, noEnv)).toThrow(/missing --tlscert, --tlskey/);
    expect(() => parseEngineUrl('ssh://root@h', { tlscacert: '/a', tlscert: '/b', tlskey: '/c' }, noEnv)).toThrow(/only to tcp:\/\//);
    expect(() => parseEngineUrl('tcp://h', { sshKey: '/k' }, noEnv)).toThrow(/--ssh-key applies only to ssh/);
    expect(() => parseEngineUrl('tcp://h:99999', {}, noEnv)).toThrow(/not a port/);
    expect(() => parseEngineUrl('ssh://root:pw@h', {}, noEnv)).toThrow(/passwords/);
    expect(() => parseEngineUrl('tcp://', {}, noEnv)).toThrow(/host is missing/);
    expect(() => parseEngineUrl('ssh://root@h/some/path', {}, noEnv)).toThrow(/path after the host/);
    expect(() => parseEngineUrl('https://h:2376', {}, noEnv)).toThrow(/asks for TLS/);
  });
});

describe('targetToUrl', () => {
  it('round-trips every kind', () => {
    for (const u of ['unix:///var/run/docker.sock', 'npipe:////./pipe/docker_engine', 'tcp://10.0.0.5:2376', 'ssh://root@10.88.0.11:22', 'tcp://[fd00::1]:2375']) {
      expect(targetToUrl(parseEngineUrl(u, {}, noEnv))).toBe(u);
    }
  });
});
