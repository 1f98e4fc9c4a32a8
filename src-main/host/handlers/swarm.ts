import type { swarmContract } from '../../api/domains/swarm';
import type { HandlersFor } from '../types';
import type { Services } from '../services';

export function swarmHandlers(_s: Services): HandlersFor<typeof swarmContract> {
  return {};
}
