import { describe, expect, it } from 'vitest';
import { createQemuDriver, TCG_SLOW_FACTOR } from './drivers/qemu';
import { PROVISION_TIMEOUTS, boot2dockerProfile, mergeDaemonJson, provisionTimeouts, systemdDropIn } from './provisioner';

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

describe('provisioner timeouts', () => {
  it('keeps the defaults for normal hosts (slow factor 1, missing, below 1 or not a number)', () => {
    const defaults = { ssh: 120_000, connect: 15_000, query: 15_000, command: 120_000, install: 900_000, restart: 120_000, tls: 90_000 };
    expect(PROVISION_TIMEOUTS).toEqual(defaults);
    for (const f of [undefined, 1, 0.5, 0, -3, Number.NaN, Number.POSITIVE_INFINITY]) expect(provisionTimeouts(f)).toEqual(defaults);
  });

  it('scales every wait by the slow factor', () => {
    const t = provisionTimeouts(5);
    expect(t).toEqual({ ssh: 600_000, connect: 75_000, query: 75_000, command: 600_000, install: 4_500_000, restart: 600_000, tls: 450_000 });
    expect(provisionTimeouts(1.5).restart).toBe(180_000);
  });

  it('explicit ssh / docker waits win over the factor', () => {
    const t = provisionTimeouts(5, { sshTimeoutMs: 1000, dockerTimeoutMs: 2000 });
    expect(t.ssh).toBe(1000);
    expect(t.tls).toBe(2000);
    expect(t.restart).toBe(600_000);
  });

  it('a qemu VM under tcg waits TCG_SLOW_FACTOR times longer (minutes for the Docker restart), kvm/hvf keep the defaults', () => {
    const q = createQemuDriver({ stateDir: '/nonexistent' });
    expect(TCG_SLOW_FACTOR).toBeGreaterThanOrEqual(4);
    expect(provisionTimeouts(q.slowFactor?.({ driverVersion: 1, vm: { accel: 'tcg' } })).restart).toBe(120_000 * TCG_SLOW_FACTOR);
    expect(provisionTimeouts(q.slowFactor?.({ driverVersion: 1, vm: { accel: 'kvm' } }))).toEqual(PROVISION_TIMEOUTS);
    expect(provisionTimeouts(q.slowFactor?.({ driverVersion: 1, vm: { accel: 'hvf' } }))).toEqual(PROVISION_TIMEOUTS);
  });
});
