import type { machinesContract } from '../../api/domains/machines';
import type { HandlersFor } from '../types';
import type { Services } from '../services';

export function machinesHandlers(_s: Services): HandlersFor<typeof machinesContract> {
  return {};
}
