// The api calls behind RolloutActions (components do not call the api themselves).
import { api } from '../../api';
import type { RolloutAct } from '../../components/RolloutActions';

export function rolloutCall(engineId: string): (act: RolloutAct, service: string) => Promise<unknown> {
  return (act, service) =>
    act === 'resume'
      ? api.invoke('swarm.services.resume', { engineId, service })
      : act === 'rollback'
        ? api.invoke('swarm.services.rollback', { engineId, service })
        : api.invoke('swarm.services.update', { engineId, service, update: { force: true } });
}
