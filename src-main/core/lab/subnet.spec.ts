import { describe, expect, it } from 'vitest';
import { checkLabName, maxNodes, nodeIndex, nodeIp, nodeName, parseCidr } from './subnet';

describe('lab addressing', () => {
  it('gives node K the address .10+K', () => {
    expect(nodeIp('10.88.0.0/24', 1)).toBe('10.88.0.11');
    expect(nodeIp('10.88.9.0/24', 3)).toBe('10.88.9.13');
    expect(nodeIp('10.88.0.0/16', 300)).toBe('10.88.1.54');
  });
  it('rejects malformed subnets and host bits, naming the fix', () => {
    expect(() => parseCidr('10.88.0.0')).toThrow(/expected an IPv4 CIDR/);
    expect(() => parseCidr('10.88.300.0/24')).toThrow(/invalid lab subnet/);
    expect(() => parseCidr('10.88.0.5/24')).toThrow(/did you mean 10.88.0.0\/24/);
  });
  it('refuses nodes that do not fit', () => {
    expect(maxNodes('10.88.0.0/28')).toBe(4);
    expect(nodeIp('10.88.0.0/28', 3)).toBe('10.88.0.13');
    expect(() => nodeIp('10.88.0.0/28', 5)).toThrow(/no room for node 5/);
  });
  it('names nodes and parses them back', () => {
    expect(nodeName('flab', 2)).toBe('flab-n2');
    expect(nodeIndex('flab', 'flab-n12')).toBe(12);
    expect(nodeIndex('flab', 'flt-n1')).toBeUndefined();
    expect(checkLabName('flt')).toBe('flt');
    expect(() => checkLabName('Bad_Name')).toThrow(/invalid lab name/);
  });
});
