// Task states a node's own engine shows before the managers have stored them (the cluster watcher, events.ts).
//
// Swarm's dispatcher stores the states its agents report in batches, up to 100 ms apart (swarmkit manager/dispatcher
// maxBatchInterval), so a listing shows a task's container as starting or running up to ~100 ms after the node's engine
// said so in its event stream, which the watcher already reads (node-sources.ts). A task container's event is the same
// fact the agent reports, from the same clock:
// - `create`: the container exists; the agent goes ready -> starting at once (swarmkit agent/exec controller: READY is
//   followed by STARTING without waiting), so the task is shown `starting`;
// - `start`: the container started; the agent reports `running` ("started"), unless the container has a healthcheck (in
//   its service or its image): then it stays `starting` until `health_status: healthy` (Docker's swarm executor,
//   daemon/cluster/executor/container/controller.go Start, waits for it). The event does not say which: the watcher
//   inspects the container on its node and passes the answer; without one nothing is noted;
// - `health_status: healthy`: the container with a healthcheck is healthy; the agent reports `running`;
// - `die` of a task whose desired state is `shutdown` or `remove` (scaled down): the agent stopped it for the managers
//   and reports `shutdown`. A container that dies on its own (desired state `running`) waits for the managers: only
//   they know whether it failed, completed or was rejected, and with which error.
// A state noted here is shown over the listing's only while the listing's is earlier in swarmkit's order (a task's state
// never goes back) and for at most maxAgeMs; the managers' own state takes over as soon as it is as far.
import type { EngineEventJson } from './cluster-model';
import type { RawTask } from './mappers';

/** swarmkit's TaskState values (api/types.proto): the order a task's state moves in */
const RANK: Record<string, number> = {
  new: 0,
  pending: 64,
  assigned: 192,
  accepted: 256,
  preparing: 320,
  ready: 384,
  starting: 448,
  running: 512,
  complete: 576,
  shutdown: 640,
  failed: 704,
  rejected: 768,
  remove: 800,
  orphaned: 832,
};

export interface ObservedState {
  state: 'starting' | 'running' | 'shutdown';
  /** the engine's time of the event (RFC 3339), the task's status timestamp while shown */
  at: string;
  /** the message Swarm gives the same state */
  message: string;
  /** when it was noted (ms, this process's clock): it is dropped maxAgeMs later */
  notedAt: number;
  /** the container the event is about: the task's, before the managers know it (exec and logs reach it at once) */
  containerId?: string;
}

/** a task container's `start` event: whether its container has a healthcheck must be asked for (ObservedStates.note) */
export function isTaskStart(e: EngineEventJson): boolean {
  return e.Type === 'container' && e.Action === 'start' && !!e.Actor?.ID && !!e.Actor.Attributes?.['com.docker.swarm.task.id'];
}

/** whether a container inspect's Config has a healthcheck that runs (Test ["NONE"] turns the image's off) */
export function hasHealthcheck(config: { Healthcheck?: { Test?: string[] } } | undefined): boolean {
  const test = config?.Healthcheck?.Test;
  return !!test && test.length > 0 && test[0] !== 'NONE';
}

/** desired states the agent stops a container for, and then reports `shutdown` (a scaled-down task's is `remove`) */
const STOPPED_FOR = new Set(['shutdown', 'remove']);

const rank = (state: string): number => RANK[state] ?? -1;

export class ObservedStates {
  private readonly byTask = new Map<string, ObservedState>();

  constructor(private readonly maxAgeMs = 5000) {}

  get size(): number {
    return this.byTask.size;
  }

  /**
   * Notes what a task container's event says. `desiredOf` gives the task's desired state as last listed (undefined: not
   * listed yet); `started`, for a `start`, whether the container has a healthcheck (undefined: not known, nothing is
   * noted). True when the event changes what would be shown.
   */
  note(e: EngineEventJson, desiredOf: (taskId: string) => string | undefined, now = Date.now(), started?: { healthcheck: boolean }): boolean {
    if (e.Type !== 'container') return false;
    const taskId = e.Actor?.Attributes?.['com.docker.swarm.task.id'];
    if (!taskId) return false;
    let next: Pick<ObservedState, 'state' | 'message'> | undefined;
    if (e.Action === 'create') next = { state: 'starting', message: 'starting' };
    else if (e.Action === 'start' && started && !started.healthcheck) next = { state: 'running', message: 'started' };
    else if (e.Action === 'health_status: healthy') next = { state: 'running', message: 'started' };
    else if (e.Action === 'die' && STOPPED_FOR.has(desiredOf(taskId) ?? '')) next = { state: 'shutdown', message: 'shutdown' };
    if (!next) return false;
    const had = this.byTask.get(taskId);
    if (had && rank(had.state) >= rank(next.state)) return false;
    const ms = typeof e.timeNano === 'number' ? Math.floor(e.timeNano / 1e6) : typeof e.time === 'number' ? e.time * 1000 : now;
    this.byTask.set(taskId, { ...next, at: new Date(ms).toISOString(), notedAt: now, ...(e.Actor?.ID ? { containerId: e.Actor.ID } : {}) });
    return true;
  }

  /**
   * The listing's tasks with the noted states shown where the listing's are earlier (patched copies; the others as they
   * are). Noted states the listing caught up with, or older than maxAgeMs, are forgotten.
   */
  apply(tasks: RawTask[], now = Date.now()): RawTask[] {
    if (this.byTask.size === 0) return tasks;
    for (const [id, o] of this.byTask) if (now - o.notedAt > this.maxAgeMs) this.byTask.delete(id);
    return tasks.map((t) => {
      const o = this.byTask.get(t.ID);
      if (!o) return t;
      if (rank(t.Status.State) >= rank(o.state)) {
        this.byTask.delete(t.ID);
        return t;
      }
      // whatever the desired state (a task told to stop runs until its container dies; one held at `ready` by a restart
      // delay was started): what its node did is what it does
      const { Err: _err, ...status } = t.Status;
      const containerId = t.Status.ContainerStatus?.ContainerID ?? o.containerId;
      return { ...t, Status: { ...status, State: o.state, Timestamp: o.at, Message: o.message, ...(containerId ? { ContainerStatus: { ...t.Status.ContainerStatus, ContainerID: containerId } } : {}) } };
    });
  }
}
