// The api calls behind RolloutActions, shared by the Board and the service page (components do not call the api
// themselves, and one view may not import another). The acts are RolloutActions' `RolloutAct`, spelled out here
// because a store may not import components.
import { api } from '../api';

export function rolloutCall(engineId: string): (act: 'resume' | 'rollback' | 'force', service: string) => Promise<unknown> {
  return (act, service) =>
    act === 'resume'
      ? api.invoke('swarm.services.resume', { engineId, service })
      : act === 'rollback'
        ? api.invoke('swarm.services.rollback', { engineId, service })
        : api.invoke('swarm.services.update', { engineId, service, update: { force: true } });
}
