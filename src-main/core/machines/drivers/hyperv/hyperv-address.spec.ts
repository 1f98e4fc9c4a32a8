// Where a running Hyper-V VM is now (`address`, asked at the next contact): docker-machine's GetIP expression against
// the recorded PowerShell answers (hyperv.harness.ts, provenance in test/fixtures/hyperv/SOURCE.md), exact command
// lines, and the answers that mean "no address yet". The core's use of it is follow-address.spec.ts.
import { describe, it, expect } from 'vitest';
import { createHyperVDriver } from './driver.js';
import { ctx, deps, GETVM, IPS, line, Player, sshCalls, useHyperVHarness } from './hyperv.harness.js';

useHyperVHarness();

const data = () => ({ vm: 'fl1', switchName: 'Default Switch', bootImage: 'cloud', ip: '10.0.75.127' });

describe('address: the running VM asked once, state then its first adapter\'s addresses', () => {
  it('a running VM reporting an IPv4 (recorded minishift answer): that address, for SSH and the engine; the recorded IP follows it', async () => {
    const p = new Player({ vm: 'Running', ips: ['ipaddresses.ipv4.recorded.txt'] });
    const d = data();
    const ep = await createHyperVDriver(deps(p)).address!(d, ctx());
    expect(p.lines).toEqual([line(GETVM('fl1')), line(IPS('fl1'))]);
    expect(ep).toEqual({ ip: '10.0.75.128', ssh: { host: '10.0.75.128', port: 22, user: 'docker' }, docker: { host: '10.0.75.128', port: 2376 } });
    expect(d.ip).toBe('10.0.75.128');
    expect(sshCalls).toEqual([]);
  });

  it('no address yet: only the link-local IPv6 (recorded docker/machine#1203 answer), or nothing at all; asked once, never waited for', async () => {
    for (const ips of [['ipaddresses.ipv6.recorded.txt'], []]) {
      const p = new Player({ vm: 'Running', ips });
      const d = data();
      expect(await createHyperVDriver(deps(p)).address!(d, ctx())).toBeUndefined();
      expect(p.lines).toEqual([line(GETVM('fl1')), line(IPS('fl1'))]);
      expect(d.ip).toBe('10.0.75.127');
    }
  });

  it('a stopped VM (recorded "Off") or a missing one (recorded InvalidParameter error) has no address, and its adapters are not asked', async () => {
    for (const vm of ['Off', 'absent'] as const) {
      const p = new Player({ vm, ips: ['ipaddresses.ipv4.recorded.txt'] });
      expect(await createHyperVDriver(deps(p)).address!(data(), ctx())).toBeUndefined();
      expect(p.lines).toEqual([line(GETVM('fl1'))]);
    }
  });
});
