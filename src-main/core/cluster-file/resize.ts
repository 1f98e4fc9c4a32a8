// What `plan`/`up` of a cluster file do with an existing machine whose cpus/memory/disk differ from the file's: a
// `resize` change, applied by `up` through `machine set`'s own rules (core/machines/resize.ts): a container machine
// live (the engine's update), a VM only while it is stopped. A running VM is never stopped by `up`: its change is
// listed, not applied, with the three commands that apply it. What can never be applied (a smaller disk, a container
// machine's disk, a host Flotilla did not make) is a note, so a second `up` has nothing left to do.
import type { ClusterChange } from '../../api/domains/cluster';
import type { MachineState } from '../machines/drivers/types';

export interface Size {
  cpus: number;
  memoryMb: number;
  diskGb: number;
}

/** what the file asks for (each left out where the file does not say) */
export type WantedSize = Partial<Size>;

export interface MachineSizeView {
  name: string;
  driver: string;
  spec: Size;
  /** the driver can resize (not generic, not imported) */
  resizable: boolean;
  /** the driver resizes a running host (container machines); VMs only while stopped */
  live: boolean;
  /** asked only for VMs (where it decides whether up applies the change) */
  state?: MachineState | 'unknown';
}

export interface ResizePlan {
  change?: ClusterChange;
  /** what `up` passes to `machine set`; absent when the change cannot be applied by up (a running VM) */
  apply?: WantedSize;
  /** a running VM: the commands that apply the change, which up says instead of stopping the VM */
  commands?: string[];
  notes: string[];
}

const memArg = (mb: number): string => (mb % 1024 ? `${mb}m` : `${mb / 1024}g`);

export function planResize(m: MachineSizeView, want: WantedSize): ResizePlan {
  const notes: string[] = [];
  const to: WantedSize = {};
  const parts: string[] = [];
  if (want.cpus !== undefined && want.cpus !== m.spec.cpus) {
    to.cpus = want.cpus;
    parts.push(`cpus ${m.spec.cpus} -> ${want.cpus}`);
  }
  if (want.memoryMb !== undefined && want.memoryMb !== m.spec.memoryMb) {
    to.memoryMb = want.memoryMb;
    parts.push(`memory ${m.spec.memoryMb} MB -> ${want.memoryMb} MB`);
  }
  if (want.diskGb !== undefined && want.diskGb !== m.spec.diskGb) {
    if (m.live) notes.push(`${m.name} is a ${m.driver} machine, which has no disk size (its Docker data grows on this computer's disk): machines.disk (${want.diskGb} GB) applies to VMs only and is left out for it`);
    else if (want.diskGb < m.spec.diskGb) notes.push(`the disk of ${m.name} can only grow: it has ${m.spec.diskGb} GB and the file says ${want.diskGb} GB; it is left as it is (shrinking would lose data)`);
    else {
      to.diskGb = want.diskGb;
      parts.push(`disk ${m.spec.diskGb} GB -> ${want.diskGb} GB`);
    }
  }
  if (!parts.length) return { notes };
  if (!m.resizable) {
    notes.push(`${m.name} has ${parts.join(', ').replace(/ -> /g, ', the file says ')}: it is a ${m.driver} host that Flotilla did not make, so up does not resize it; resize it where it runs`);
    return { notes };
  }
  const what = parts.join(', ');
  if (m.live) return { change: { kind: 'machine', action: 'resize', name: m.name, detail: `${what}; applied live with the engine's update` }, apply: to, notes };
  if (m.state === 'stopped') return { change: { kind: 'machine', action: 'resize', name: m.name, detail: `${what}; the VM is stopped: applied now, from its next start` }, apply: to, notes };
  const flags = [to.cpus !== undefined ? `--cpus ${to.cpus}` : '', to.memoryMb !== undefined ? `--memory ${memArg(to.memoryMb)}` : '', to.diskGb !== undefined ? `--disk ${to.diskGb}g` : ''].filter(Boolean).join(' ');
  const commands = [`flotilla machine stop ${m.name}`, `flotilla machine set ${m.name} ${flags}`, `flotilla machine start ${m.name}`];
  const why = m.state === 'running' ? 'the VM is running' : `the VM is ${m.state ?? 'unknown'}, not stopped`;
  return {
    change: { kind: 'machine', action: 'resize', name: m.name, detail: `${what}; ${why} and up does not stop it: run ${commands.join('; ')}` },
    commands,
    notes,
  };
}
