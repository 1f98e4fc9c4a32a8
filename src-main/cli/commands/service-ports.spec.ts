import { describe, expect, it } from 'vitest';
import type { PortMapping } from '../../api/domains/swarm';
import { ingressPorts } from './service';

const ing = (protocol: string, target: number, published: number): PortMapping => ({ protocol, target, published, mode: 'ingress' });

describe("service ls's PORTS, as docker's serviceContext.Ports", () => {
  it("docker's own case (cli/command/formatter/service_test.go TestServiceContext_Ports): sorted by protocol, then published port; ranges joined", () => {
    const ports = [
      ing('tcp', 80, 81), ing('tcp', 80, 80), ing('tcp', 95, 95), ing('tcp', 90, 90), ing('tcp', 91, 91), ing('tcp', 92, 92), ing('tcp', 93, 93), ing('tcp', 94, 94),
      ing('udp', 95, 95), ing('udp', 90, 90), ing('udp', 96, 96), ing('udp', 91, 91), ing('udp', 92, 92), ing('udp', 93, 93), ing('udp', 94, 94),
      ing('tcp', 60, 60), ing('tcp', 61, 61), ing('tcp', 61, 62), ing('sctp', 97, 97), ing('sctp', 98, 98),
    ];
    expect(ingressPorts(ports)).toBe('*:97-98->97-98/sctp, *:60-61->60-61/tcp, *:62->61/tcp, *:80-81->80/tcp, *:90-95->90-95/tcp, *:90-96->90-96/udp');
  });
  it('the engine listing a range out of order (as the lab did: 31001 before 31000) still prints it as one range', () => {
    expect(ingressPorts([ing('tcp', 81, 31001), ing('tcp', 80, 31000), ing('udp', 90, 31002)])).toBe('*:31000-31001->80-81/tcp, *:31002->90/udp');
  });
  it('host-mode ports are not listed', () => {
    expect(ingressPorts([{ protocol: 'tcp', target: 80, published: 8080, mode: 'host' }])).toBe('');
  });
});
