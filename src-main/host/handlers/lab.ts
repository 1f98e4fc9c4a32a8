import type { labContract } from '../../api/domains/lab';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import { labStatus } from '../../core/lab';

export function labHandlers(_s: Services): HandlersFor<typeof labContract> {
  return {
    'lab.status': async () => labStatus(process.env.FLOTILLA_LAB_NAME ?? 'flab'),
  };
}
