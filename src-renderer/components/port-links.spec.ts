import { describe, expect, it } from 'vitest';
import { portRows } from './port-links';

const nodes = [
  { id: 'n1', hostname: 'one', addr: '10.0.0.1', status: 'ready' },
  { id: 'n2', hostname: 'two', addr: '10.0.0.2', status: 'ready' },
  { id: 'n3', hostname: 'three', addr: 'fd00::3', status: 'down' },
];

describe('portRows', () => {
  it('an ingress port links to every node that is up', () => {
    const [r] = portRows({ id: 's', ports: [{ published: 8080, target: 80, protocol: 'tcp', mode: 'ingress' }] }, nodes, []);
    expect(r.links).toEqual([
      { url: 'http://10.0.0.1:8080/', node: 'one' },
      { url: 'http://10.0.0.2:8080/', node: 'two' },
    ]);
  });
  it("a host-mode port links only to the nodes running the service's tasks", () => {
    const tasks = [
      { serviceId: 's', nodeId: 'n2', state: 'running' },
      { serviceId: 's', nodeId: 'n1', state: 'failed' },
      { serviceId: 'other', nodeId: 'n1', state: 'running' },
    ];
    const [r] = portRows({ id: 's', ports: [{ published: 443, target: 443, protocol: 'tcp', mode: 'host' }] }, nodes, tasks);
    expect(r.links).toEqual([{ url: 'https://10.0.0.2:443/', node: 'two' }]);
    expect(portRows({ id: 's', ports: [{ published: 9000, target: 9000, protocol: 'tcp', mode: 'host' }] }, nodes, [])[0].why).toMatch(/no task running/);
  });
  it('IPv6 addresses are bracketed; udp and unpublished ports have no link and say why', () => {
    const v6 = portRows({ id: 's', ports: [{ published: 80, target: 80, protocol: 'tcp', mode: 'ingress' }] }, [{ ...nodes[2], status: 'ready' }], []);
    expect(v6[0].links[0].url).toBe('http://[fd00::3]:80/');
    const rows = portRows({ id: 's', ports: [{ published: 53, target: 53, protocol: 'udp', mode: 'ingress' }, { target: 9, protocol: 'tcp', mode: 'ingress' }] }, nodes, []);
    expect(rows.map((r) => [r.links.length, r.why])).toEqual([
      [0, 'udp: no browser link'],
      [0, 'not published'],
    ]);
  });
});
