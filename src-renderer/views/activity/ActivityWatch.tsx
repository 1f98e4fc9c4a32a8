// Keeps the chosen swarm's model watched app-wide, so activity (and notifications) come on any view. In the shell
// (App.tsx), apart from the Activity view, which is loaded only when it is opened.
import { useEffect } from 'react';
import { clusterStore } from '../../stores';
import { useSwarmTarget } from '../../stores/swarm-target';

export function ActivityWatch(): null {
  const { engineId } = useSwarmTarget();
  useEffect(() => {
    if (engineId) clusterStore.getState().watch(engineId);
  }, [engineId]);
  return null;
}
