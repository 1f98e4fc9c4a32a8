// The `SERVICE.SLOT.TASKID@NODE    | ` prefix `docker service logs` puts before each line (docker/cli
// cli/command/service/logs.go taskFormatter), with its --no-resolve, --no-trunc and --no-task-ids.
import type { EngineConnection } from '../core/engine';
import * as sw from '../core/swarm';

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
    private readonly manager: EngineConnection,
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
    const task = await sw.resolveTask(this.manager, taskId);
    const [service, node] = this.o.noResolve
      ? [task.ServiceID, nodeId]
      : await Promise.all([
          sw.inspectService(this.manager, task.ServiceID).then(
            (s) => s.Spec.Name,
            () => task.ServiceID,
          ),
          sw.inspectNode(this.manager, nodeId).then(
            (n) => n.Spec?.Name || n.Description?.Hostname || nodeId,
            () => nodeId,
          ),
        ]);
    return logPrefix({ service, slot: task.Slot ?? 0, taskId: task.ID, node }, this.width, this.o);
  }
}
