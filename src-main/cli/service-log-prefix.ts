// The `SERVICE.SLOT.TASKID@NODE    | ` prefix `docker service logs` puts before each line (docker/cli
// cli/command/service/logs.go taskFormatter), with its --no-resolve, --no-trunc and --no-task-ids.
import type { LocalHost } from '../host/local';

/** what the engine has for a task, service or node (the raw inspect the contract passes on) */
export interface RawTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
}
export interface RawService {
  ID: string;
  Spec: { Name: string; Mode?: { Replicated?: { Replicas?: number } } };
}
interface RawNode {
  Spec?: { Name?: string };
  Description?: { Hostname?: string };
}

export interface PrefixOptions {
  /** IDs instead of service and node names */
  noResolve?: boolean;
  /** the full task ID instead of its first 12 characters */
  noTrunc?: boolean;
  /** no task ID at all */
  noTaskIds?: boolean;
}

export interface TaskContext {
  /** the service's name, or its ID with --no-resolve */
  service: string;
  /** 0 for a task of a global service: docker prints the number, not the node */
  slot: number;
  taskId: string;
  /** the node's name (spec name, else hostname), or its ID with --no-resolve */
  node: string;
}

/** Digits of a number, the width docker pads slots to (the replica count's). */
export const digits = (n: number): number => String(n).length;

/**
 * The prefix of one line. `width` is the digits of the service's replica count (1 for a global service or a task),
 * so the `|` column lines up across slots: docker pads after the node name.
 */
export function logPrefix(t: TaskContext, width: number, o: PrefixOptions): string {
  const id = o.noTaskIds ? '' : `.${o.noTrunc ? t.taskId : t.taskId.slice(0, 12)}`;
  return `${t.service}.${t.slot}${id}@${t.node}${' '.repeat(Math.max(0, width - digits(t.slot)))}    | `;
}

/**
 * Looks up what a line's task and node IDs stand for, once each (as docker's formatter caches them). A name that
 * cannot be read falls back to the ID, as docker's resolver does.
 */
export class LogPrefixer {
  private readonly cache = new Map<string, Promise<string>>();
  constructor(
    private readonly host: LocalHost,
    private readonly engineId: string,
    private readonly width: number,
    private readonly o: PrefixOptions,
  ) {}

  prefix(taskId: string, nodeId: string): Promise<string> {
    const key = `${taskId}@${nodeId}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.build(taskId, nodeId);
      this.cache.set(key, p);
    }
    return p;
  }

  private async build(taskId: string, nodeId: string): Promise<string> {
    const engineId = this.engineId;
    const task = (await this.host.call('swarm.tasks.inspect', { engineId, task: taskId })) as unknown as RawTask;
    const [service, node] = this.o.noResolve
      ? [task.ServiceID, nodeId]
      : await Promise.all([
          this.host.call('swarm.services.inspect', { engineId, service: task.ServiceID }).then(
            (s) => (s as unknown as RawService).Spec.Name,
            () => task.ServiceID,
          ),
          this.host.call('swarm.nodes.inspect', { engineId, node: nodeId }).then(
            (n) => (n as RawNode).Spec?.Name || (n as RawNode).Description?.Hostname || nodeId,
            () => nodeId,
          ),
        ]);
    return logPrefix({ service, slot: task.Slot ?? 0, taskId: task.ID, node }, this.width, this.o);
  }
}
