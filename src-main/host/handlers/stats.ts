// Live resources (contract: api/domains/stats.ts): one stats reader per subscription, reading the engines' stats
// streams only while it is subscribed (the dispatcher aborts it when the subscriber disposes or goes away).
// The CLI (`flotilla stats`) runs the same handler body with the cluster its global flags name.
import { statsContract, type StatsSample } from '../../api/domains/stats';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import { watchSwarmStats, type Cluster, type StatsMeter } from '../../core/swarm';
import { clusters } from '../nodes';

type StatsInput = { stream?: boolean; intervalMs?: number };

/**
 * The body of `swarm.stats` over any cluster: input parsed by the contract (defaults applied), each sample checked
 * against the contract's schema before it is handed on.
 */
export async function streamStats(cluster: Cluster, input: StatsInput, emit: (s: StatsSample) => void, signal: AbortSignal, meter?: StatsMeter): Promise<void> {
  const parsed = statsContract['swarm.stats'].input.omit({ engineId: true }).parse(input);
  await watchSwarmStats(cluster, { stream: parsed.stream, intervalMs: parsed.intervalMs, signal, meter }, (s) => emit(statsContract['swarm.stats'].event.parse(s)));
}

export function statsHandlers(s: Services): HandlersFor<typeof statsContract> {
  const { cluster } = clusters(s);
  return {
    'swarm.stats': async ({ engineId, ...input }, emit, { signal }) => streamStats(await cluster(engineId), input, emit, signal),
  };
}
