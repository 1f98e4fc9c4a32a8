// Reads what the explainer needs from a manager (nodes, services, every task) and hands it to explain.ts.
import type { EngineConnection } from '../engine';
import type { ServiceExplanation, TaskExplanation } from '../../api/domains/explain';
import { engineCall, noSuchService, noSuchTask } from './errors';
import { explainService, explainTask, type ExplainInput, type ExplainRawNode, type ExplainRawService, type ExplainRawTask } from './explain';
import { inspectService } from './services';
import { requireManager } from './swarm';
import { resolveTask } from './tasks';

async function gather(manager: EngineConnection): Promise<ExplainInput> {
  const [nodes, services, tasks] = await Promise.all([
    engineCall(() => manager.docker.listNodes()) as Promise<ExplainRawNode[]>,
    engineCall(() => manager.docker.listServices()) as Promise<ExplainRawService[]>,
    engineCall(() => manager.docker.listTasks()) as Promise<ExplainRawTask[]>,
  ]);
  return { nodes, services, tasks };
}

/** `flotilla service explain SERVICE`: the service by name, ID or ID prefix. */
export async function explainServiceTasks(manager: EngineConnection, ref: string): Promise<ServiceExplanation> {
  const svc = await inspectService(manager, ref);
  const out = explainService(await gather(manager), svc.ID);
  if (!out) throw noSuchService(ref); // removed between the two reads
  return out;
}

/** One task by ID or ID prefix. */
export async function explainOneTask(manager: EngineConnection, ref: string): Promise<TaskExplanation> {
  await requireManager(manager);
  const task = await resolveTask(manager, ref);
  const out = explainTask(await gather(manager), task.ID);
  if (!out) throw noSuchTask(ref);
  return out;
}
