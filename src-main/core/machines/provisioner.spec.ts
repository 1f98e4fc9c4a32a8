import { describe, expect, it } from 'vitest';
import { boot2dockerProfile, mergeDaemonJson, systemdDropIn } from './provisioner';

const engine = { labels: ['tier=web'], registryMirrors: ['https://mirror.example'], insecureRegistries: ['10.0.0.1:5000'], tlsSans: [] };

describe('provisioner config', () => {
  it('daemon.json keeps existing keys, drops "hosts", sets labels, mirrors and insecure registries', () => {
    const d = mergeDaemonJson('{"hosts":["unix:///var/run/docker.sock"],"log-driver":"journald"}', engine, 'generic');
    expect(d.hosts).toBeUndefined();
    expect(d['log-driver']).toBe('journald');
    expect(d.labels).toEqual(['provider=generic', 'tier=web']);
    expect(d['registry-mirrors']).toEqual(['https://mirror.example']);
    expect(d['insecure-registries']).toEqual(['10.0.0.1:5000']);
    expect(mergeDaemonJson('not json', { ...engine, registryMirrors: [] }, 'x')['registry-mirrors']).toBeUndefined();
  });
  it('the systemd drop-in listens on fd://, the socket and TLS 2376 with verification', () => {
    const u = systemdDropIn('/usr/sbin/dockerd', true);
    expect(u).toMatch(/^ExecStart=$/m);
    expect(u).toContain('ExecStart=/usr/sbin/dockerd -H fd:// -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2376 --tlsverify');
    expect(u).toContain('--containerd=/run/containerd/containerd.sock');
    expect(systemdDropIn('/usr/bin/dockerd', false)).not.toContain('--containerd');
  });
  it('boot2docker gets its profile with TLS on 2376', () => {
    const p = boot2dockerProfile(engine, 'virtualbox');
    expect(p).toContain("DOCKER_HOST='-H tcp://0.0.0.0:2376'");
    expect(p).toContain('--label provider=virtualbox');
    expect(p).toContain('--insecure-registry 10.0.0.1:5000');
  });
});
