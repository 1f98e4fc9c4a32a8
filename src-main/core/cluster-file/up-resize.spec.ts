// plan and up of a cluster file whose cpus/memory differ from two existing VirtualBox machines' (one running, one
// stopped), through the core (compute, resizeOf, up's resize step, machine set's rules) with the VirtualBox driver
// answering from recorded VBoxManage outputs (test/support/virtualbox.ts): the running VM's resize is listed and not
// applied, with the commands to run; the stopped one is applied with the exact modifyvm line. No engine answers here
// (the machines have no TLS files, their engines would be at 127.0.0.1:9), so up goes on to the swarm step and stops there.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../api/domains/cluster';
import { driverStand, fx, Player, VBM } from '../../../test/support/virtualbox';
import { getDriver, registerDriver } from '../machines/drivers/index';
import type { MachineDriver } from '../machines/drivers/types';
import { createVirtualBoxDriver } from '../machines/drivers/virtualbox/driver';
import { MachineStore } from '../machines/store';
import { CONFIG_VERSION } from '../machines/types';
import { planCluster, upCluster, type ClusterContext } from './apply';

const stand = driverStand();
let dir: string;
let store: MachineStore;
let original: MachineDriver;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fl-cf-resize-'));
  store = new MachineStore(path.join(dir, 'home'));
  original = getDriver('virtualbox');
});
afterEach(async () => {
  registerDriver(original);
  await fs.rm(dir, { recursive: true, force: true });
});

/** cc-m1 runs, cc-w1 is powered off; modifyvm succeeds (its recorded answer is empty) */
const vbox = () =>
  new Player((a) => {
    if (a[0] === '--version') return { stdout: fx('version.7.1.8.txt') };
    if (a[0] === 'showvminfo') return { stdout: fx('showvminfo.hostonly-mac.txt') + `VMState="${a[1] === 'cc-m1' ? 'running' : 'poweroff'}"\n` };
    return undefined;
  });

async function machine(name: string): Promise<void> {
  await store.reserve(name);
  await store.save({
    configVersion: CONFIG_VERSION,
    name,
    driver: 'virtualbox',
    createdAt: new Date().toISOString(),
    state: 'ready',
    spec: { cpus: 2, memoryMb: 2048, diskGb: 20, options: {} },
    engine: { labels: [], registryMirrors: [], insecureRegistries: [], tlsSans: [] },
    driverData: { vm: name, hostOnlyCidr: '192.168.59.1/24', sshPort: 40022, bootImage: 'cloud' },
    endpoint: { ip: '127.0.0.1', ssh: { host: '127.0.0.1', port: 40022, user: 'docker' }, docker: { host: '127.0.0.1', port: 9 } },
    sshKey: 'id_ed25519',
  });
}

const FILE = 'name: cc\nmachines:\n  driver: virtualbox\n  managers: 1\n  workers: 1\n  cpus: 4\n  memory: 4g\n  disk: 10g\n';
const src = () => ({ path: path.join(dir, 'cc.yml'), content: FILE, files: {} });
const cctx = (): ClusterContext => ({ store, home: dir, defaultDriver: async () => 'virtualbox', driverOptions: (d) => getDriver(d).options().map((o) => o.flag) });
const RUN = 'flotilla machine stop cc-m1; flotilla machine set cc-m1 --cpus 4 --memory 4g; flotilla machine start cc-m1';

describe('cluster file: sizes that differ from existing VMs', () => {
  it('plan lists both resizes: the running VM with the commands to run, the stopped one to apply now; a smaller disk is a note', async () => {
    const p = vbox();
    registerDriver(createVirtualBoxDriver(stand.deps(p)));
    await machine('cc-m1');
    await machine('cc-w1');
    const plan = await planCluster(cctx(), src());
    expect(plan.changes.filter((c) => c.kind === 'machine')).toEqual([
      { kind: 'machine', action: 'resize', name: 'cc-m1', detail: `cpus 2 -> 4, memory 2048 MB -> 4096 MB; the VM is running and up does not stop it: run ${RUN}` },
      { kind: 'machine', action: 'resize', name: 'cc-w1', detail: 'cpus 2 -> 4, memory 2048 MB -> 4096 MB; the VM is stopped: applied now, from its next start' },
    ]);
    expect(plan.notes).toEqual([
      'the disk of cc-m1 can only grow: it has 20 GB and the file says 10 GB; it is left as it is (shrinking would lose data)',
      'the disk of cc-w1 can only grow: it has 20 GB and the file says 10 GB; it is left as it is (shrinking would lose data)',
    ]);
    // each VM's state asked once, only because its size differs; nothing changed
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo cc-m1 --machinereadable`, `${VBM} showvminfo cc-w1 --machinereadable`]);
  });

  it('up resizes the stopped VM (modifyvm), leaves the running one and says what to run, before the swarm step', async () => {
    const p = vbox();
    registerDriver(createVirtualBoxDriver(stand.deps(p)));
    await machine('cc-m1');
    await machine('cc-w1');
    const events: ClusterEvent[] = [];
    const err = await upCluster(cctx(), src(), (e) => events.push(e)).then(() => undefined, (e: Error) => e);
    // no TLS files, no engine: up stops where the swarm step connects to cc-m1, after the sizes
    expect(err?.message).toMatch(/^cannot reach the engine of cc-m1: ENOENT/);
    expect(events.at(-1)).toMatchObject({ machine: 'cc-m1', step: 'swarm connect' });
    const steps = events.filter((e) => e.step && e.step !== 'note').map((e) => `${e.machine}: ${e.step}${e.detail ? ` (${e.detail})` : ''}`);
    expect(steps.slice(0, 3)).toEqual([
      `cc-m1: resize not applied (up does not stop a running VM; to resize it run: ${RUN})`,
      'cc-w1: resizing (4 CPU, 4096 MB)',
      'cc-w1: resized (cpus 2 -> 4 (from the next start); memory 2048 MB -> 4096 MB (from the next start))',
    ]);
    expect(p.lines.filter((l) => l.includes(' modifyvm '))).toEqual([`${VBM} modifyvm cc-w1 --cpus 4 --memory 4096`]);
    expect((await store.load('cc-w1')).spec).toMatchObject({ cpus: 4, memoryMb: 4096, diskGb: 20 });
    expect((await store.load('cc-m1')).spec).toMatchObject({ cpus: 2, memoryMb: 2048 });
    // the next plan: the resized VM has nothing left to change; the running one is still listed, with the same commands
    expect((await planCluster(cctx(), src())).changes.filter((c) => c.kind === 'machine')).toEqual([
      { kind: 'machine', action: 'resize', name: 'cc-m1', detail: `cpus 2 -> 4, memory 2048 MB -> 4096 MB; the VM is running and up does not stop it: run ${RUN}` },
    ]);
  }, 120_000);
});
