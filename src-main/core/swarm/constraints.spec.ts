import { describe, expect, it } from 'vitest';
import { constraintMatches, failingConstraints, ipMatches, parseConstraint, type ConstraintNode } from './constraints';

const node: ConstraintNode = {
  id: 'p6oywwz4j1sf0kyd6jzl1pxyz',
  hostname: 'flab-n2',
  ip: '10.88.66.12',
  role: 'worker',
  os: 'linux',
  arch: 'x86_64',
  labels: { zone: 'east', Disk: 'SSD' },
  engineLabels: { storage: 'fast' },
};
const m = (expr: string, n: ConstraintNode = node): boolean => constraintMatches(parseConstraint(expr), n);

describe('placement constraints as swarmkit evaluates them', () => {
  it('parses key, operator and value, trimming spaces; keeps the text as written', () => {
    expect(parseConstraint(' node.labels.zone == east ')).toEqual({ text: ' node.labels.zone == east ', key: 'node.labels.zone', op: '==', value: 'east' });
    expect(parseConstraint('node.role!=manager')).toMatchObject({ key: 'node.role', op: '!=', value: 'manager' });
  });

  it('refuses what the engine refuses, naming the problem', () => {
    expect(() => parseConstraint('node.role=manager')).toThrow('expected one operator from ==, !=');
    expect(() => parseConstraint('node role==manager')).toThrow("key 'node role' is invalid");
    expect(() => parseConstraint('node.role==man<ager')).toThrow("value 'man<ager' is invalid");
    expect(() => parseConstraint('==x')).toThrow("key '' is invalid");
  });

  it('== and != on node.id, node.hostname, node.role', () => {
    expect(m(`node.id==${node.id}`)).toBe(true);
    expect(m('node.id!=p6oywwz4j1sf0kyd6jzl1pxyz')).toBe(false);
    // a prefix of the ID is not the ID: whole-string match
    expect(m('node.id==p6oywwz4j1sf')).toBe(false);
    expect(m('node.hostname==flab-n2')).toBe(true);
    expect(m('node.hostname!=flab-n2')).toBe(false);
    expect(m('node.hostname!=flab-n1')).toBe(true);
    expect(m('node.role==worker')).toBe(true);
    expect(m('node.role==manager')).toBe(false);
    expect(m('node.role!=manager')).toBe(true);
  });

  it('values and keys compare case-insensitively; label names are case-sensitive', () => {
    expect(m('node.hostname==FLAB-N2')).toBe(true);
    expect(m('NODE.ROLE==Worker')).toBe(true);
    expect(m('node.labels.Disk==ssd')).toBe(true);
    expect(m('node.labels.disk==ssd')).toBe(false);
    expect(m('Node.Labels.zone==EAST')).toBe(true);
  });

  it('node.labels and engine.labels: a missing label is the empty string, so != matches it and == does not', () => {
    expect(m('node.labels.zone==east')).toBe(true);
    expect(m('node.labels.zone!=east')).toBe(false);
    expect(m('node.labels.zone==nowhere')).toBe(false);
    expect(m('node.labels.zone!=nowhere')).toBe(true);
    expect(m('node.labels.rack==a')).toBe(false);
    expect(m('node.labels.rack!=a')).toBe(true);
    expect(m('engine.labels.storage==fast')).toBe(true);
    expect(m('engine.labels.storage!=fast')).toBe(false);
    expect(m('engine.labels.gpu==yes')).toBe(false);
    expect(m('engine.labels.gpu!=yes')).toBe(true);
  });

  it('node.platform.os and node.platform.arch compare the strings the node reports (no amd64/x86_64 folding)', () => {
    expect(m('node.platform.os==linux')).toBe(true);
    expect(m('node.platform.os==windows')).toBe(false);
    expect(m('node.platform.arch==x86_64')).toBe(true);
    expect(m('node.platform.arch==s390x')).toBe(false);
    expect(m('node.platform.arch!=s390x')).toBe(true);
    expect(m('node.platform.arch==amd64')).toBe(false);
  });

  it('node.ip: an address or a network, IPv4 or IPv6; a malformed one never matches', () => {
    expect(m('node.ip==10.88.66.12')).toBe(true);
    expect(m('node.ip!=10.88.66.12')).toBe(false);
    expect(m('node.ip==10.88.66.0/24')).toBe(true);
    expect(m('node.ip!=10.88.66.0/24')).toBe(false);
    expect(m('node.ip==10.88.67.0/24')).toBe(false);
    expect(m('node.ip==banana')).toBe(false);
    expect(m('node.ip!=banana')).toBe(false);
    expect(ipMatches('2001:db8::/32', '2001:db8::2')).toBe(true);
    expect(ipMatches('2001:db8::2', '2001:0db8:0:0::2')).toBe(true);
    expect(ipMatches('10.0.0.0/33', '10.0.0.1')).toBeUndefined();
  });

  it('an unknown key never matches, with either operator', () => {
    expect(m('node.name==flab-n2')).toBe(false);
    expect(m('node.name!=flab-n2')).toBe(false);
    expect(m('node.labels.==x')).toBe(false);
  });

  it('failingConstraints quotes each failing expression as written, with what the node has', () => {
    expect(failingConstraints(['node.role==worker', 'node.labels.zone == nowhere', 'node.foo==1', 'bad'], node)).toEqual([
      { text: 'node.labels.zone == nowhere', have: 'east' },
      { text: 'node.foo==1', problem: 'unknown constraint key node.foo' },
      { text: 'bad', problem: 'constraint "bad": expected one operator from ==, !=' },
    ]);
  });
});
