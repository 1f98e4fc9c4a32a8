// Cluster files: every problem positioned at its line and column, as compose files' are.
import { describe, expect, it } from 'vitest';
import { loadClusterFile, loadClusterFileOrThrow } from './load';

const drivers = (d: string): string[] | undefined => (d === 'container' ? ['container-image', 'container-network', 'container-subnet'] : undefined);
const load = (text: string) => loadClusterFile('cc.yml', text, { driverOptions: drivers });
const first = (text: string) => {
  const d = load(text).diagnostics[0];
  return d && { line: d.line, column: d.column, path: d.path, message: d.message };
};

const EXAMPLE = `name: cc
machines:
  driver: container
  managers: 1
  workers: 2
  cpus: 2
  memory: 2g
  disk: 20g
nodes:
  cc-w1:
    labels: {zone: a}
    availability: active
stacks:
  web:
    file: ./web.yml
    variables: {TAG: "1"}
`;

describe('loadClusterFile', () => {
  it("loads the issue's example, naming machines as swarm create does", () => {
    const r = load(EXAMPLE);
    expect(r.diagnostics).toEqual([]);
    expect(r.loaded).toMatchObject({ managers: ['cc-m1'], workers: ['cc-w1', 'cc-w2'], memoryMb: 2048, diskGb: 20 });
    expect(r.loaded!.spec.stacks!.web!.variables).toEqual({ TAG: '1' });
  });

  it('a wrong type is at its value, with the dotted path', () => {
    expect(first(EXAMPLE.replace('workers: 2', 'workers: two'))).toEqual({ line: 5, column: 3, path: 'machines.workers', message: 'machines.workers must be a number, not a string' });
  });

  it('an out-of-range count names the bound', () => {
    expect(first(EXAMPLE.replace('managers: 1', 'managers: 0'))).toMatchObject({ line: 4, column: 3, path: 'machines.managers' });
    expect(first(EXAMPLE.replace('managers: 1', 'managers: 0'))!.message).toMatch(/>=1/);
  });

  it('an unknown field is at the key itself', () => {
    expect(first(EXAMPLE.replace('  cpus: 2\n', '  cpus: 2\n  ram: 4g\n'))).toEqual({ line: 7, column: 3, path: 'machines.ram', message: 'machines: unknown field ram (known: see assets/cluster-file.schema.json)' });
  });

  it('a missing required field is at its parent', () => {
    expect(first('name: cc\n')).toMatchObject({ line: 1, column: 1, path: 'machines', message: 'machines is required' });
  });

  it('a node that is not one of the machines', () => {
    expect(first(EXAMPLE.replace('  cc-w1:', '  cc-w9:'))).toEqual({ line: 10, column: 3, path: 'nodes.cc-w9', message: 'nodes.cc-w9: no machine cc-w9 in this file: its machines are cc-m1, cc-w1, cc-w2' });
  });

  it("an option the driver does not have, and a driver that does not exist", () => {
    expect(first(EXAMPLE.replace('  cpus: 2\n', '  cpus: 2\n  options:\n    qemu-accel: tcg\n'))).toMatchObject({ line: 8, column: 5, path: 'machines.options.qemu-accel' });
    expect(first(EXAMPLE.replace('driver: container', 'driver: vmware'))).toMatchObject({ line: 3, column: 3, message: 'machines.driver: no driver vmware: use container, qemu, virtualbox, hyperv or generic' });
  });

  it('bad sizes and bad names', () => {
    expect(first(EXAMPLE.replace('memory: 2g', 'memory: lots'))).toMatchObject({ line: 7, column: 3, path: 'machines.memory' });
    expect(first(EXAMPLE.replace('name: cc', 'name: cc-'))).toMatchObject({ line: 1, column: 1, path: 'name' });
    expect(first(EXAMPLE.replace('  web:', '  "we b":'))).toMatchObject({ line: 14, column: 3, path: 'stacks.we b' });
  });

  it('YAML errors carry their line and column', () => {
    expect(first('name: cc\nmachines:\n  driver: [container\n')).toMatchObject({ line: 4, path: '' });
    expect(first('name: cc\nname: dd\nmachines: {}\n')!.message).toMatch(/^yaml: line 2: /);
  });

  it('OrThrow formats them as file:line:column: message', () => {
    expect(() => loadClusterFileOrThrow('cc.yml', EXAMPLE.replace('workers: 2', 'workers: -1'))).toThrow(/^cc\.yml:5:3: machines\.workers: /);
  });
});
