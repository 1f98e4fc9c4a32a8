import type { stacksContract } from '../../api/domains/stacks';
import type { HandlersFor } from '../types';
import type { Services } from '../services';

export function stacksHandlers(_s: Services): HandlersFor<typeof stacksContract> {
  return {};
}
