// Why a task is not running: the engine named by `engineId` is the manager the explainer reads from.
import type { explainContract } from '../../api/domains/explain';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import { explainOneTask, explainServiceTasks } from '../../core/swarm';

export function explainHandlers(s: Services): HandlersFor<typeof explainContract> {
  return {
    'swarm.services.explain': async ({ engineId, service }) => explainServiceTasks(await s.engines.connect(engineId), service),
    'swarm.tasks.explain': async ({ engineId, task }) => explainOneTask(await s.engines.connect(engineId), task),
  };
}
