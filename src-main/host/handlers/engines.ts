import type { enginesContract, EngineInfo } from '../../api/domains/engines';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import { engineInfo, watchEngineEvents } from '../../core/engine/info';

export function enginesHandlers(s: Services): HandlersFor<typeof enginesContract> {
  return {
    'engines.list': async () => (await s.engines.list()).map(({ target: _t, ...summary }) => summary),
    'engines.info': async ({ id }, { signal }): Promise<EngineInfo> => {
      const known = (await s.engines.list()).find((e) => e.id === id);
      const base = { id, name: known?.name ?? id, url: known?.url ?? '' };
      try {
        const conn = await s.engines.connect(id);
        return { ...base, ...(await engineInfo(conn, signal)) };
      } catch (e) {
        // The pooled connection is NOT dropped here: other streams (swarm.model, logs, terminals) share it,
        // and closing it under them froze the live model whenever one info call failed or was cancelled.
        // Nothing needs dropping anyway: TLS and socket connections dial per request, SSH tunnels reconnect,
        // and a connection that could not be made at all is never pooled.
        return { ...base, reachable: false, error: (e as Error).message };
      }
    },
    'engines.events': async ({ id }, emit, { signal }) => {
      const conn = await s.engines.connect(id);
      await watchEngineEvents(conn, signal, (ev) => emit({ engineId: id, ...ev }));
    },
  };
}
