import type { clusterContract } from '../../api/domains/cluster';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import { MachineStore } from '../../core/machines/store';
import { defaultDriverName, getDriver, listDrivers } from '../../core/machines/drivers/index';
import { downCluster, downList, exportCluster, planCluster, upCluster, type ClusterContext } from '../../core/cluster-file/apply';

/** cluster files (issue 19): plan, up, down, export, one implementation for the window, browser mode and the CLI */
export function clusterHandlers(s: Services): HandlersFor<typeof clusterContract> {
  const store = new MachineStore(s.home);
  const ctx = (signal?: AbortSignal): ClusterContext => ({
    store,
    home: s.home,
    signal,
    defaultDriver: defaultDriverName,
    driverOptions: (d) => (listDrivers().some((x) => x.name === d) ? getDriver(d).options().map((o) => o.flag) : undefined),
  });
  // machines appear and go: every view that lists machines or engines reloads
  const changed = (): void => {
    s.broadcast('machines.changed', {});
    s.broadcast('engines.changed', { reason: 'cluster file applied' });
  };
  return {
    'cluster.plan': async (input, { signal }) => planCluster(ctx(signal), input),
    'cluster.up': async (input, emit, { signal }) => {
      try {
        await upCluster(ctx(signal), input, emit);
      } finally {
        changed();
      }
    },
    'cluster.members': async (input) => downList(ctx(), input),
    'cluster.down': async (input, emit, { signal }) => {
      try {
        const removed = await downCluster(ctx(signal), input, emit);
        await Promise.all(removed.map((n) => s.engines.drop(`machine:${n}`)));
      } finally {
        changed();
      }
    },
    'cluster.export': async ({ name }, { signal }) => exportCluster(ctx(signal), name),
  };
}
