// The faults of the drills (fault-drills.ts runs them): on the worker (killed, frozen, its dockerd restarted,
// partitioned) and on the managers (the leader killed while another is watched, the watched manager killed while it
// leads, the link to the watched manager cut, while the watcher is watchful and while it is idle). Each says what the truth looks like in a model, and how it is lifted.
import * as sw from '../../src-main/core/swarm';
import type { ClusterModel } from '../../src-main/api/domains/swarm';
import { containerName } from '../../src-main/core/machines/drivers/container';
import { hostDocker, inMachine, leaderOf, nodeOf, type DrillSwarm } from './fault-drills-swarm';

export interface DrillContext {
  s: DrillSwarm;
  watcher: sw.ClusterWatcher;
  /** the machine the fault is aimed at (chosen when it starts) */
  target: string;
}

export interface Fault {
  name: string;
  /** what "the truth" is, in words (the table prints it) */
  truth: string;
  /** the manager the core's watcher must read from when the fault starts: the leader, or a manager that does not lead */
  watch?: 'leader' | 'follower';
  /** the core's watcher must be idle when the fault starts (nothing changed for its activeMs: slow pings, the link
   * reached between them) */
  idle?: boolean;
  /** the machine to aim at, from the model before the fault */
  target(ctx: { s: DrillSwarm; watcher: sw.ClusterWatcher; model: ClusterModel }): string;
  inject(ctx: DrillContext): Promise<void>;
  /** true once the model (the engine's fresh one, or the watcher's) shows the fault */
  shows(m: ClusterModel, ctx: DrillContext): boolean;
  lift(ctx: DrillContext): Promise<void>;
}

const PARTITION_RULES = ['OUTPUT -p tcp --dport 2377', 'INPUT -p tcp --sport 2377', 'INPUT -p tcp --dport 7946', 'INPUT -p udp --dport 7946', 'OUTPUT -p tcp --dport 7946', 'OUTPUT -p udp --dport 7946'];

// A killed machine: SIGKILL to every process in it (dockerd, containerd, the tasks, sshd), its engine kept from
// restarting. Not `docker kill` of the container: the machines' network has no user-set subnet, so a container started
// again gets a new address, and a manager at a new address is lost to the raft. Killing everything but init keeps it.
const ENGINE_UNITS = 'docker.service containerd.service';
async function killMachine({ target }: DrillContext): Promise<void> {
  await inMachine(target, `systemctl mask --runtime ${ENGINE_UNITS} >/dev/null 2>&1; kill -9 -1; true`);
}
async function bootMachine({ target }: DrillContext): Promise<void> {
  // dockerd listens on the socket systemd hands it (-H fd://): the socket unit first
  await inMachine(target, `systemctl unmask --runtime ${ENGINE_UNITS} >/dev/null 2>&1; systemctl reset-failed; systemctl restart docker.socket; systemctl start containerd docker ssh`);
}

const nodeDown = (m: ClusterModel, ctx: DrillContext): boolean => nodeOf(m, ctx.target)?.status === 'down';

const cutLink = (name: string, idle: boolean): Fault => ({
  name,
  truth: 'a scale from 2 to 3 made meanwhile runs (the swarm itself is fine)',
  idle,
  target: ({ watcher }) => watcher.managerName()!,
  inject: async (ctx) => {
    // the engine port dropped inside the node: the TLS link is cut, the swarm is not
    await inMachine(ctx.target, 'iptables -I INPUT -p tcp --dport 2376 -j DROP');
    const other = ctx.s.managers.find((m) => m !== ctx.target)!;
    await sw.scaleService(ctx.s.conns.get(other)!, 'drill-rep', 3);
  },
  shows: (m) => Object.values(m.services).some((sv) => sv.name === 'drill-rep' && sv.replicas.desired === 3 && sv.replicas.running === 3),
  lift: async (ctx) => {
    await inMachine(ctx.target, 'iptables -D INPUT -p tcp --dport 2376 -j DROP');
    const other = ctx.s.managers.find((m) => m !== ctx.target)!;
    await sw.scaleService(ctx.s.conns.get(other)!, 'drill-rep', 2);
  },
});

export const FAULTS: Fault[] = [
  {
    name: 'worker killed',
    truth: 'the worker is down',
    target: ({ s }) => s.workers[0],
    inject: killMachine,
    shows: nodeDown,
    lift: bootMachine,
  },
  {
    name: 'worker frozen',
    truth: 'the worker is down',
    target: ({ s }) => s.workers[0],
    inject: async ({ target }) => void (await hostDocker(['pause', containerName(target)])),
    shows: nodeDown,
    lift: async ({ target }) => void (await hostDocker(['unpause', containerName(target)])),
  },
  {
    name: "worker's dockerd restarted",
    truth: "the worker's task is no longer running",
    target: ({ s }) => s.workers[0],
    inject: async (ctx) => {
      const node = nodeOf(ctx.watcher.model(), ctx.target)!;
      const before = Object.values(ctx.watcher.model().tasks).filter((t) => t.nodeId === node.id && t.state === 'running' && t.desiredState === 'running');
      taskOnTarget.set(ctx, before.map((t) => t.id));
      // not awaited: the restart takes seconds, and the clock runs from its start; lift waits for it
      restarting.set(ctx, inMachine(ctx.target, 'systemctl restart docker'));
    },
    // the task that ran on the worker before is not running any more (its container died with dockerd)
    shows: (m, ctx) => (taskOnTarget.get(ctx) ?? []).length > 0 && (taskOnTarget.get(ctx) ?? []).every((id) => m.tasks[id]?.state !== 'running'),
    lift: async (ctx) => void (await restarting.get(ctx)),
  },
  {
    name: 'worker partitioned',
    truth: 'the worker is down',
    target: ({ s }) => s.workers[0],
    inject: async ({ target }) => void (await inMachine(target, PARTITION_RULES.map((r) => `iptables -I ${r} -j DROP`).join(' && '))),
    shows: nodeDown,
    lift: async ({ target }) => void (await inMachine(target, PARTITION_RULES.map((r) => `iptables -D ${r} -j DROP`).join(' && '))),
  },
  {
    // the model reads from another manager: it must not move, and must see the election
    name: 'leader killed',
    truth: 'the old leader (not the manager the model reads from) is down and another manager leads',
    watch: 'follower',
    target: ({ model }) => leaderOf(model)!,
    inject: killMachine,
    shows: (m, ctx) => nodeDown(m, ctx) && Boolean(leaderOf(m)) && leaderOf(m) !== ctx.target,
    lift: bootMachine,
  },
  {
    // the hardest case: the manager the model reads from is also the leader, so no other manager can list the swarm
    // until Swarm elects a new leader; the model must move at once anyway and stream from a live manager meanwhile
    name: 'watched manager killed',
    truth: 'the watched manager (the leader) is down and another manager leads',
    watch: 'leader',
    target: ({ watcher }) => watcher.managerName()!,
    inject: killMachine,
    shows: (m, ctx) => nodeDown(m, ctx) && Boolean(leaderOf(m)) && leaderOf(m) !== ctx.target,
    lift: bootMachine,
  },
  // watchful (the swarm changed within activeMs): a ping each second finds the cut
  cutLink('link to the watched manager cut', false),
  // idle: pings 4 s apart, the TLS link reached (a handshake, no request) each second between them finds the cut
  cutLink('link to the watched manager cut while idle', true),
];
const taskOnTarget = new WeakMap<DrillContext, string[]>();
const restarting = new WeakMap<DrillContext, Promise<string>>();
