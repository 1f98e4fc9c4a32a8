// plan/up of a cluster file against a machine whose size differs from the file's (resize.ts): the change listed, what
// up applies (container live, a stopped VM), the exact commands said for a running VM, and the notes for what up can
// never apply (so a second up has nothing left to do). Applied for real on container machines in
// test/integration/cluster-file.test.ts.
import { describe, expect, it } from 'vitest';
import { planResize, type MachineSizeView } from './resize';

const container: MachineSizeView = { name: 'cc-w1', driver: 'container', spec: { cpus: 1, memoryMb: 1024, diskGb: 20 }, resizable: true, live: true };
const vm = (state: MachineSizeView['state']): MachineSizeView => ({ name: 'cc-m1', driver: 'virtualbox', spec: { cpus: 2, memoryMb: 2048, diskGb: 20 }, resizable: true, live: false, state });

describe('planResize', () => {
  it('the same size, or a size the file does not give: no change, no note', () => {
    expect(planResize(container, { cpus: 1, memoryMb: 1024, diskGb: 20 })).toEqual({ notes: [] });
    expect(planResize(vm('running'), {})).toEqual({ notes: [] });
  });

  it('a container machine: a resize change applied live, with exactly what differs', () => {
    expect(planResize(container, { cpus: 2, memoryMb: 1536 })).toEqual({
      change: { kind: 'machine', action: 'resize', name: 'cc-w1', detail: "cpus 1 -> 2, memory 1024 MB -> 1536 MB; applied live with the engine's update" },
      apply: { cpus: 2, memoryMb: 1536 },
      notes: [],
    });
  });

  it("a container machine's disk is a note, never a change (the driver has no disk size): a second up would not retry it", () => {
    expect(planResize(container, { diskGb: 40 })).toEqual({
      notes: ["cc-w1 is a container machine, which has no disk size (its Docker data grows on this computer's disk): machines.disk (40 GB) applies to VMs only and is left out for it"],
    });
    expect(planResize(container, { memoryMb: 2048, diskGb: 40 }).apply).toEqual({ memoryMb: 2048 });
  });

  it('a stopped VM: applied now, the disk growing', () => {
    expect(planResize(vm('stopped'), { cpus: 4, diskGb: 40 })).toEqual({
      change: { kind: 'machine', action: 'resize', name: 'cc-m1', detail: 'cpus 2 -> 4, disk 20 GB -> 40 GB; the VM is stopped: applied now, from its next start' },
      apply: { cpus: 4, diskGb: 40 },
      notes: [],
    });
  });

  it('a running VM: listed, not applied, with the stop, set and start to run', () => {
    const r = planResize(vm('running'), { cpus: 4, memoryMb: 3072, diskGb: 40 });
    expect(r.apply).toBeUndefined();
    expect(r.commands).toEqual(['flotilla machine stop cc-m1', 'flotilla machine set cc-m1 --cpus 4 --memory 3g --disk 40g', 'flotilla machine start cc-m1']);
    expect(r.change).toEqual({
      kind: 'machine',
      action: 'resize',
      name: 'cc-m1',
      detail: 'cpus 2 -> 4, memory 2048 MB -> 3072 MB, disk 20 GB -> 40 GB; the VM is running and up does not stop it: run flotilla machine stop cc-m1; flotilla machine set cc-m1 --cpus 4 --memory 3g --disk 40g; flotilla machine start cc-m1',
    });
    expect(planResize(vm('running'), { memoryMb: 1536 }).commands![1]).toBe('flotilla machine set cc-m1 --memory 1536m');
    expect(planResize(vm('paused'), { cpus: 1 }).change!.detail).toContain('the VM is paused, not stopped and up does not stop it: run flotilla machine stop cc-m1;');
    // before the state is known (the first pass of the plan), it is not taken for stopped
    expect(planResize(vm(undefined), { cpus: 1 }).apply).toBeUndefined();
  });

  it('a smaller disk is a note (grow only), the rest still changes', () => {
    const r = planResize(vm('stopped'), { cpus: 3, diskGb: 10 });
    expect(r.notes).toEqual(['the disk of cc-m1 can only grow: it has 20 GB and the file says 10 GB; it is left as it is (shrinking would lose data)']);
    expect(r.apply).toEqual({ cpus: 3 });
    expect(planResize(vm('stopped'), { diskGb: 10 }).change).toBeUndefined();
  });

  it('a host Flotilla did not make (generic, imported): a note, no change', () => {
    expect(planResize({ ...vm('running'), driver: 'generic', resizable: false }, { cpus: 4 })).toEqual({
      notes: ['cc-m1 has cpus 2, the file says 4: it is a generic host that Flotilla did not make, so up does not resize it; resize it where it runs'],
    });
  });
});
